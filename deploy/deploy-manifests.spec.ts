// Proves that the container manifests in deploy/ parse and stay in step with the apps, ports, entry files and databases the project runs locally, and that the Secret template holds only placeholders.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { systemApps, type AppProcess } from '../scripts/system-processes';

const repoRoot = join(__dirname, '..');
const deployDir = __dirname;
const dockerDir = join(deployDir, 'docker');
const k8sDir = join(deployDir, 'k8s');
const placeholder = 'CHANGE_ME';

// ---------------------------------------------------------------------------------------------
// Reading the files.
// ---------------------------------------------------------------------------------------------

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

function yamlFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...yamlFilesUnder(path));
    else if (/\.ya?ml$/.test(name)) found.push(path);
  }
  return found.sort();
}

interface ParsedYaml {
  readonly errors: string[];
  readonly documents: unknown[];
}

// Compose files use YAML merge keys (`<<: *anchor`), so they are resolved as Compose does.
function parseYaml(path: string): ParsedYaml {
  const documents = parseAllDocuments(read(path), { merge: true, prettyErrors: true });
  if (!Array.isArray(documents)) return { errors: ['empty stream'], documents: [] };
  const errors = documents.flatMap((doc) => [...doc.errors, ...doc.warnings].map((e) => `${relative(repoRoot, path)}: ${e.message}`));
  return { errors, documents: documents.map((doc) => doc.toJS() as unknown).filter((doc) => doc !== null) };
}

function yamlDocuments(path: string): unknown[] {
  const parsed = parseYaml(path);
  if (parsed.errors.length > 0) throw new Error(parsed.errors.join('\n'));
  return parsed.documents;
}

/** `NAME=(a b c)` from a bash script: the array assignment of the local stack. */
function bashArray(script: string, name: string): string[] {
  const match = new RegExp(`^${name}=\\(([^)]*)\\)`, 'm').exec(script);
  if (!match) throw new Error(`no ${name}=(...) found`);
  return match[1]!.trim().split(/\s+/);
}

function bashScalar(script: string, name: string): string {
  const match = new RegExp(`^${name}=([^\\s#]+)`, 'm').exec(script);
  if (!match) throw new Error(`no ${name}=... found`);
  return match[1]!;
}

const stackScript = read(join(repoRoot, 'scripts', 'stack.sh'));

/** The database of each DATABASE_URL_* variable, as `stack.sh` writes them into `.stack/env`. */
function stackDatabaseByVariable(): Map<string, string> {
  const byVariable = new Map<string, string>();
  for (const match of stackScript.matchAll(/^\s*echo "(DATABASE_URL_[A-Z_]+)=\$base\/([a-z0-9_]+)(?:\$via)?"/gm)) byVariable.set(match[1]!, match[2]!);
  return byVariable;
}

function databaseOf(app: AppProcess): string {
  const database = stackDatabaseByVariable().get(app.databaseUrlVariable);
  if (!database) throw new Error(`scripts/stack.sh writes no ${app.databaseUrlVariable}`);
  return database;
}

/** `dist/<path>.js` -> `<path>.ts`: the TypeScript source that `npm run build` compiles to it. */
function sourceOfEntry(entry: string): string {
  const match = /^dist\/(.+)\.js$/.exec(entry);
  if (!match) throw new Error(`${entry} is not a compiled entry under dist/`);
  return `${match[1]}.ts`;
}

function entriesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\bdist\/[\w./-]+\.js\b/g)].map((m) => m[0]))];
}

/** Names of the values that are not placeholders (each must contain CHANGE_ME, and a URL's password must be exactly it). */
function nonPlaceholderValues(values: Readonly<Record<string, unknown>>): string[] {
  const offending: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string' || !value.includes(placeholder) || /-----BEGIN /.test(value)) {
      offending.push(key);
      continue;
    }
    const password = /^[a-z]+:\/\/[^:/@]*:([^@]*)@/.exec(value)?.[1];
    if (password !== undefined && password !== placeholder) offending.push(key);
  }
  return offending;
}

// ---------------------------------------------------------------------------------------------
// Shapes of the files (only the fields the checks read).
// ---------------------------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}

interface Probe {
  httpGet?: { path: string; port: string | number };
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean };
}

interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    // A Deployment's selector has matchLabels; a Service's is the labels themselves.
    selector?: { matchLabels?: Record<string, string> } | Record<string, string>;
    template?: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    ports?: { name?: string; port: number; targetPort: string | number }[];
  };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  resources?: string[];
}

const compose = yamlDocuments(join(dockerDir, 'compose.yaml'))[0] as Compose;
const k8sFiles = yamlFilesUnder(k8sDir);
const k8sObjects = k8sFiles
  .filter((path) => !path.endsWith('kustomization.yaml'))
  .flatMap((path) => yamlDocuments(path).map((doc) => ({ path, object: doc as K8sObject })));
const ofKind = (kind: string): K8sObject[] => k8sObjects.filter((o) => o.object.kind === kind).map((o) => o.object);
const dockerfile = read(join(dockerDir, 'Dockerfile'));
const initScript = read(join(dockerDir, 'postgres-init', '10-create-databases.sh'));

function envValue(container: Container, name: string): EnvVar | undefined {
  return container.env?.find((e) => e.name === name);
}

function resolvePort(container: Container, port: string | number): number | undefined {
  if (typeof port === 'number') return container.ports?.some((p) => p.containerPort === port) ? port : undefined;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

// ---------------------------------------------------------------------------------------------

describe('deploy/ YAML', () => {
  it('parses every YAML file under deploy/ without errors or warnings', () => {
    const files = yamlFilesUnder(deployDir);
    expect(files.map((f) => relative(deployDir, f))).toEqual(expect.arrayContaining(['docker/compose.yaml', 'k8s/kustomization.yaml', 'k8s/secret.template.yaml']));
    const errors = files.flatMap((f) => parseYaml(f).errors);
    expect(errors).toEqual([]);
    for (const file of files) expect(parseYaml(file).documents.length).toBeGreaterThan(0);
  });
});

describe('deploy/docker/compose.yaml', () => {
  it('has one service per app with the same entry file, port, settings and database as npm start', () => {
    for (const app of systemApps) {
      const service = compose.services[app.name];
      expect(service).toBeDefined();
      expect(service!.image).toBe(compose.services['create-topics']!.image);
      expect(service!.command).toEqual(['node', app.entry]);
      const env = service!.environment ?? {};
      expect(String(env.PORT)).toBe(String(app.port));
      expect(env.HOST).toBe('0.0.0.0');
      expect(String(env.DATABASE_URL)).toMatch(new RegExp(`^postgres://[^@]+@postgres:5432/${databaseOf(app)}$`));
      expect(String(env.REDIS_URL)).toMatch(/^redis:\/\/redis:6379$/);
      expect(String(env.KAFKA_BROKERS)).toBe('kafka:9092');
      for (const [key, value] of Object.entries(app.extraEnv)) expect(env[key]).toBe(value);
      expect(service!.ports).toContain(`127.0.0.1:${app.port}:${app.port}`);
      expect(service!.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${app.port}/health`);
    }
  });

  it('runs no app that npm start does not know', () => {
    const appServices = Object.entries(compose.services).filter(([, s]) => (s.command ?? []).some((part) => part.startsWith('dist/apps/')));
    expect(appServices.map(([name]) => name).sort()).toEqual(systemApps.map((a) => a.name).sort());
  });

  it('starts every app only after its dependencies are healthy and the topics exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dependency]).toBeDefined();
        expect(['service_healthy', 'service_completed_successfully']).toContain(condition);
        if (condition === 'service_healthy') expect(compose.services[dependency]!.healthcheck).toBeDefined();
        expect(dependency).not.toBe(name);
      }
    }
    for (const app of systemApps) {
      const dependsOn = compose.services[app.name]!.depends_on ?? {};
      expect(dependsOn.postgres?.condition).toBe('service_healthy');
      expect(dependsOn.redis?.condition).toBe('service_healthy');
      expect(dependsOn['create-topics']?.condition).toBe('service_completed_successfully');
    }
    const topics = compose.services['create-topics']!;
    expect(topics.command).toEqual(['node', 'dist/scripts/create-topics.js']);
    expect(topics.environment?.KAFKA_BROKERS).toBe('kafka:9092');
    expect(topics.depends_on?.kafka?.condition).toBe('service_healthy');
    expect(topics.build).toEqual({ context: '../..', dockerfile: 'deploy/docker/Dockerfile' });
    expect(existsSync(join(dockerDir, topics.build!.context, topics.build!.dockerfile))).toBe(true);
    // The central bank and the topics must agree on the partitions and operators.
    for (const key of ['LEDGER_PARTITIONS', 'OPERATOR_IDS']) expect(compose.services['central-bank']!.environment?.[key]).toBe(topics.environment?.[key]);
  });

  it('runs PostgreSQL durably with the project settings, Redis with AOF, and the local Kafka version', () => {
    const postgres = compose.services.postgres!;
    expect(postgres.image).toMatch(/^postgres:1[67](\b|-)/);
    expect(postgres.command).toEqual(expect.arrayContaining(['synchronous_commit=on', 'fsync=on']));
    expect(read(join(deployDir, 'postgres', 'postgresql.conf'))).toMatch(/^synchronous_commit = on$/m);
    const mounts = postgres.volumes ?? [];
    expect(mounts).toContain('./postgres-init:/docker-entrypoint-initdb.d:ro');
    const confMount = mounts.find((m) => m.startsWith('../postgres/postgresql.conf:'));
    expect(confMount).toBeDefined();
    expect(initScript).toContain(`include '${confMount!.split(':')[1]}'`);

    const redis = compose.services.redis!.command!.join(' ');
    expect(redis).toContain('--appendonly yes');
    expect(redis).toContain('--maxmemory-policy noeviction');

    const kafkaVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(read(join(deployDir, 'kafka', 'pom.xml')))?.[1];
    expect(kafkaVersion).toMatch(/^4\.1\.\d+$/);
    const kafka = compose.services.kafka!;
    expect(kafka.image).toBe(`apache/kafka:${kafkaVersion}`);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.environment?.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    // KRaft wants a cluster id of 16 bytes in base64url.
    expect(Buffer.from(String(kafka.environment?.CLUSTER_ID), 'base64url')).toHaveLength(16);
    for (const volume of [postgres, compose.services.redis!, kafka].flatMap((s) => s.volumes ?? [])) {
      const source = volume.split(':')[0]!;
      if (source.startsWith('.')) expect(existsSync(join(dockerDir, source))).toBe(true);
      else expect(Object.keys(compose.volumes ?? {})).toContain(source);
    }
  });

  it('creates exactly the databases and role that scripts/stack.sh creates', () => {
    const stackDatabases = bashArray(stackScript, 'PG_DATABASES');
    expect(stackDatabases.length).toBeGreaterThan(0);
    expect(bashArray(initScript, 'PG_DATABASES')).toEqual(stackDatabases);
    expect(bashScalar(initScript, 'PG_APP_ROLE')).toBe(bashScalar(stackScript, 'PG_APP_ROLE'));
    // Every app's database is one of them.
    for (const app of systemApps) expect(stackDatabases).toContain(databaseOf(app));
    expect(statSync(join(dockerDir, 'postgres-init', '10-create-databases.sh')).mode & 0o111).not.toBe(0);
  });
});

describe('deploy/docker/Dockerfile', () => {
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages[stages.length - 1]!;

  it('builds on node:20-bookworm-slim in stages and runs production dependencies as a non-root user', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.startsWith('${NODE_IMAGE} ')).toBe(true);
    expect(dockerfile).toMatch(/RUN .*npm ci\b/);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const user = /^USER (\S+)$/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(runtime).toMatch(/^ENV [^\n]*\\\n\s+HOST=0\.0\.0\.0$/m);
    // The build script is the one package.json runs.
    const pkg = JSON.parse(read(join(repoRoot, 'package.json'))) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json && tsc-alias -p tsconfig.build.json');
  });

  it('names every app entry, and every entry used anywhere in deploy/ is compiled from an existing source', () => {
    for (const app of systemApps) expect(dockerfile).toContain(app.entry);
    const texts = [dockerfile, read(join(dockerDir, 'compose.yaml')), ...k8sFiles.map(read)];
    const entries = [...new Set(texts.flatMap(entriesIn))];
    expect(entries).toEqual(expect.arrayContaining(systemApps.map((a) => a.entry)));
    for (const entry of entries) {
      const source = sourceOfEntry(entry);
      expect({ entry, source, exists: existsSync(join(repoRoot, source)) }).toEqual({ entry, source, exists: true });
    }
    for (const app of systemApps) expect(existsSync(join(repoRoot, sourceOfEntry(app.entry)))).toBe(true);
  });

  it('copies only what the ignore file lets into the build context, and that exists', () => {
    const ignore = read(join(dockerDir, 'Dockerfile.dockerignore'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(ignore[0]).toBe('**');
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/.env']));
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(ignore).toContain(`!${source}`);
      expect(existsSync(join(repoRoot, source))).toBe(true);
    }
  });
});

describe('deploy/k8s', () => {
  const deployments = ofKind('Deployment');
  const services = ofKind('Service');
  const [secret] = ofKind('Secret');
  const [configMap] = ofKind('ConfigMap');

  it('puts everything in the cbdc namespace and lists every manifest but the Secret template in the kustomization', () => {
    expect(ofKind('Namespace').map((n) => n.metadata.name)).toEqual(['cbdc']);
    for (const { object } of k8sObjects) if (object.kind !== 'Namespace') expect({ name: object.metadata.name, namespace: object.metadata.namespace }).toEqual({ name: object.metadata.name, namespace: 'cbdc' });
    const kustomization = yamlDocuments(join(k8sDir, 'kustomization.yaml'))[0] as K8sObject;
    const listed = [...(kustomization.resources ?? [])].sort();
    const expected = k8sFiles.map((f) => relative(k8sDir, f)).filter((f) => f !== 'kustomization.yaml' && f !== 'secret.template.yaml').sort();
    expect(listed).toEqual(expected);
  });

  it('has one Deployment per app, each with a matching Service, its entry file, port, settings and database URL', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(systemApps.map((a) => a.name).sort());
    for (const app of systemApps) {
      const deployment = deployments.find((d) => d.metadata.name === app.name)!;
      const podLabels = deployment.spec!.template!.metadata.labels;
      expect(Object.keys((deployment.spec!.selector as { matchLabels: Record<string, string> }).matchLabels).length).toBeGreaterThan(0);
      for (const [key, value] of Object.entries((deployment.spec!.selector as { matchLabels: Record<string, string> }).matchLabels)) expect(podLabels[key]).toBe(value);

      const [container] = deployment.spec!.template!.spec.containers;
      expect(container!.command).toEqual(['node', app.entry]);
      expect(envValue(container!, 'PORT')?.value).toBe(String(app.port));
      for (const [key, value] of Object.entries(app.extraEnv)) expect(envValue(container!, key)?.value).toBe(value);
      expect(envValue(container!, 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'cbdc-connections', key: app.databaseUrlVariable });
      for (const name of ['REDIS_URL', 'KAFKA_BROKERS']) expect(envValue(container!, name)?.valueFrom?.secretKeyRef?.key).toBe(name);
      expect(container!.envFrom).toContainEqual({ configMapRef: { name: configMap!.metadata.name } });

      // The Service selects exactly this app's pods and sends its port to the container's.
      const service = services.find((s) => s.metadata.name === app.name);
      expect(service).toBeDefined();
      const selector = service!.spec!.selector as Record<string, string>;
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(selector)) expect(podLabels[key]).toBe(value);
      const others = deployments.filter((d) => d !== deployment);
      for (const other of others) expect(Object.entries(selector).every(([k, v]) => other.spec!.template!.metadata.labels[k] === v)).toBe(false);
      const [port] = service!.spec!.ports!;
      expect(port!.port).toBe(app.port);
      expect(resolvePort(container!, port!.targetPort)).toBe(app.port);
    }
  });

  it('probes /health on the app port and sets resources and a non-root, read-only container', () => {
    for (const deployment of deployments) {
      const pod = deployment.spec!.template!.spec;
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.securityContext?.runAsUser).not.toBe(0);
      for (const container of pod.containers) {
        const probes = [container.readinessProbe, container.livenessProbe, ...(container.startupProbe ? [container.startupProbe] : [])];
        for (const probe of probes) {
          expect(probe?.httpGet?.path).toBe('/health');
          expect(resolvePort(container, probe!.httpGet!.port)).toBe(container.ports![0]!.containerPort);
        }
        expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.resources?.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.securityContext).toEqual(expect.objectContaining({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true }));
      }
    }
  });

  it('refers only to keys that the ConfigMap and the Secret template define', () => {
    const pods = [...deployments, ...ofKind('Job')].map((o) => o.spec!.template!.spec);
    const refs = pods.flatMap((pod) => pod.containers.flatMap((c) => c.env ?? []).map((e) => e.valueFrom).filter((v) => v !== undefined));
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      if (ref!.secretKeyRef) {
        expect(ref!.secretKeyRef.name).toBe(secret!.metadata.name);
        expect(Object.keys(secret!.stringData ?? {})).toContain(ref!.secretKeyRef.key);
      }
      if (ref!.configMapKeyRef) {
        expect(ref!.configMapKeyRef.name).toBe(configMap!.metadata.name);
        expect(Object.keys(configMap!.data ?? {})).toContain(ref!.configMapKeyRef.key);
      }
    }
    const job = ofKind('Job').find((j) => j.metadata.name === 'create-topics');
    expect(job?.spec!.template!.spec.containers[0]!.command).toEqual(['node', 'dist/scripts/create-topics.js']);
    expect(configMap!.data?.HOST).toBe('0.0.0.0');
  });

  it('keeps only placeholder values in the Secret template', () => {
    expect(ofKind('Secret')).toHaveLength(1);
    expect(secret!.data).toBeUndefined();
    const values = secret!.stringData ?? {};
    const kafkaPasswords = ['KAFKA_SASL_PASSWORD_CENTRAL_BANK', 'KAFKA_SASL_PASSWORD_BANK_A', 'KAFKA_SASL_PASSWORD_BANK_B', 'KAFKA_SASL_PASSWORD_REGULATOR'];
    expect(Object.keys(values).sort()).toEqual([...systemApps.map((a) => a.databaseUrlVariable), 'KAFKA_BROKERS', 'REDIS_URL', ...kafkaPasswords].sort());
    expect(nonPlaceholderValues(values)).toEqual([]);
    // The check itself catches a real password, a value without the marker, and a key.
    expect(nonPlaceholderValues({ A: 'postgres://cbdc:hunter2@CHANGE_ME.example:5432/x', B: 'redis://cache:6379', C: `-----BEGIN PRIVATE KEY----- ${placeholder}` })).toEqual(['A', 'B', 'C']);
  });
});
