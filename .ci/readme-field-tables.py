# Regenerates the README's "Every field of ..." tables from crds/ (run from the repo root after regenerating the CRDs:
# mvn -B -q test -Dtest=CrdsUpToDateTest -Dtandem.update-crds=true -Dsurefire.failIfNoSpecifiedTests=false). Needs python3-yaml.
import yaml,re
def table(crd,title):
    d=yaml.safe_load(open(f"crds/{crd}.tandem.dev.yaml"))
    schema=d["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    rows=[]
    def walk(node,path):
        props=node.get("properties",{})
        req=set(node.get("required",[]))
        for k,v in props.items():
            p=f"{path}.{k}"
            t=v.get("type","")
            if v.get("x-kubernetes-int-or-string"): t="int or string"
            if t=="array": t=f"list of {v.get('items',{}).get('type','object')}"
            if t=="object" and "additionalProperties" in v: t="map"
            extra=[]
            if k in req: extra.append("required")
            if "default" in v: extra.append(f"default `{str(v['default']).lower() if isinstance(v['default'],bool) else v['default']}`")
            if "enum" in v: extra.append("one of " + ", ".join(f"`{e}`" for e in v["enum"]))
            if "minimum" in v or "maximum" in v: extra.append(f"range {int(v.get('minimum',0)) if 'minimum' in v else ''}–{int(v['maximum']) if 'maximum' in v else ''}")
            desc=v.get("description","").replace("|","\\|")
            rows.append(f"| `{p}` | {t} | {desc}{' *('+'; '.join(extra)+')*' if extra else ''} |")
            if v.get("type")=="object" and "properties" in v: walk(v,p)
            if v.get("type")=="array" and v.get("items",{}).get("type")=="object": walk(v["items"],p+"[]")
    walk(schema,"spec")
    return f"<details><summary>Every field of {title}</summary>\n\n| field | type | meaning |\n|---|---|---|\n"+"\n".join(rows)+"\n\n</details>"
s=open("README.md").read()
for crd,title in [("failoverpairs","FailoverPair"),("floatingips","FloatingIp"),("hostbonds","HostBond")]:
    s=re.sub(r"<details><summary>Every field of "+title+r"</summary>.*?</details>", lambda m: table(crd,title), s, flags=re.S)
open("README.md","w").write(s)
