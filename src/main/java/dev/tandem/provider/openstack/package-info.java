/**
 * The {@code openstack} provider: a Neutron floating IP associated with the active member's port, authenticated
 * with a Keystone v3 application credential (reference section 5, "OpenStack Neutron").
 */
package dev.tandem.provider.openstack;
