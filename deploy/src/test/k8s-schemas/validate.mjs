// Validates Kubernetes objects against their schemas: node validate.mjs OBJECTS.json
// OBJECTS.json holds a JSON array of objects (a chart's rendered manifests). Prints one line per object and exits 1
// if any object is invalid or is of a kind no installed package has a schema for (an unknown kind is an error, not
// a pass).
import { readFileSync } from "node:fs";

const packages = {
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

function modulePath(apiVersion, kind) {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.substring(0, slash);
  const pkg = packages[group] ?? "kubernetes-models";
  return `${pkg}/${apiVersion}/${kind}`;
}

const objects = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failures = 0;
for (const object of objects) {
  const name = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
  let model;
  try {
    model = (await import(modulePath(object.apiVersion, object.kind)))[object.kind];
  } catch (e) {
    console.log(`NO SCHEMA ${name}: ${e.message}`);
    failures++;
    continue;
  }
  try {
    new model(object).validate();
    console.log(`VALID ${name}`);
  } catch (e) {
    console.log(`INVALID ${name}: ${e.message}`);
    failures++;
  }
}
process.exit(failures === 0 ? 0 : 1);
