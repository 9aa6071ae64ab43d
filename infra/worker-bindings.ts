import type * as cloudflare from '@pulumi/cloudflare';
import type * as pulumi from '@pulumi/pulumi';
import type { WorkerManifest } from '../worker/manifest.ts';

/** The values a deployment supplies for the manifest's bindings, keyed by binding name. */
export interface BindingValues {
  readonly kvNamespaceIds: Readonly<Record<string, pulumi.Input<string>>>;
  readonly secrets: Readonly<Record<string, pulumi.Input<string>>>;
  readonly vars: Readonly<Record<string, pulumi.Input<string>>>;
}

export class MissingBindingValueError extends Error {
  readonly code = 'MISSING_BINDING_VALUE';

  constructor(kind: string, name: string) {
    super(`No value for the ${kind} binding ${name} declared in worker/manifest.ts.`);
    this.name = 'MissingBindingValueError';
  }
}

function valueFor(values: Readonly<Record<string, pulumi.Input<string>>>, kind: string, name: string): pulumi.Input<string> {
  const value = values[name];
  if (value === undefined) throw new MissingBindingValueError(kind, name);
  return value;
}

/** Every binding of the manifest, in manifest order, in the shape `cloudflare.WorkersScript` uploads. */
export function workerBindings(manifest: WorkerManifest, values: BindingValues): cloudflare.types.input.WorkersScriptBinding[] {
  return [
    ...manifest.kvNamespaces.map((kv) => ({
      type: 'kv_namespace',
      name: kv.binding,
      namespaceId: valueFor(values.kvNamespaceIds, 'KV namespace', kv.binding),
    })),
    ...manifest.durableObjects.map((durableObject) => ({
      type: 'durable_object_namespace',
      name: durableObject.binding,
      className: durableObject.className,
    })),
    ...manifest.secrets.map((secret) => ({
      type: 'secret_text',
      name: secret.name,
      text: valueFor(values.secrets, 'secret', secret.name),
    })),
    ...manifest.vars.map((plainVar) => ({
      type: 'plain_text',
      name: plainVar.name,
      text: valueFor(values.vars, 'plain text', plainVar.name),
    })),
  ];
}
