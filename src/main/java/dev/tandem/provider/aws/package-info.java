/**
 * The {@code aws} provider: an Elastic IP (AssociateAddress with reassociation) or a secondary private IP
 * (AssignPrivateIpAddresses with reassignment) moved to the active member's EC2 instance, through the AWS SDK for Java
 * v2 with its own retries turned off so that the FloatingIp's {@link dev.tandem.provider.Retrier} alone decides, and
 * IMDSv2 for the instance id in standalone mode.
 */
package dev.tandem.provider.aws;
