#!/usr/bin/env node
// Writes src/generated/abis.ts and src/generated/deployment.ts (see scripts/codegen.mjs).
//   node scripts/gen-contracts.mjs [--build FILE] [--manifest FILE] [--chain-id N] [--rpc-url URL]
//                                  [--api-url URL]
//                                  [--chain-name NAME] [--out DIR] [--allow-missing-deployment]
// Defaults: ../.build/__local__.json, ../deployments/<chain id>.json, KEIRETSU_CHAIN_ID or 31337,
// KEIRETSU_RPC_URL or http://127.0.0.1:8545, KEIRETSU_API_URL or http://127.0.0.1:8550/ (the read API
// over the index), src/generated.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectAbis, normaliseDeployment, renderAbis, renderDeployment } from './codegen.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    build: { type: 'string', default: join(root, '..', '.build', '__local__.json') },
    manifest: { type: 'string' },
    'chain-id': { type: 'string', default: process.env.KEIRETSU_CHAIN_ID ?? '31337' },
    'rpc-url': { type: 'string', default: process.env.KEIRETSU_RPC_URL ?? 'http://127.0.0.1:8545' },
    'api-url': { type: 'string', default: process.env.KEIRETSU_API_URL ?? 'http://127.0.0.1:8550/' },
    'chain-name': { type: 'string', default: process.env.KEIRETSU_CHAIN_NAME },
    out: { type: 'string', default: join(root, 'src', 'generated') },
    'allow-missing-deployment': { type: 'boolean', default: false },
  },
});

const chainId = Number(values['chain-id']);
const options = { chainId, rpcUrl: values['rpc-url'], apiUrl: values['api-url'], chainName: values['chain-name'] };
const manifestPath = values.manifest ?? join(root, '..', 'deployments', `${chainId}.json`);

if (!existsSync(values.build)) {
  console.error(`gen: ${values.build} not found: run \`ape compile\` in the repository root first`);
  process.exit(1);
}
const abis = collectAbis(JSON.parse(readFileSync(values.build, 'utf8')));

let manifest = null;
let deployment = null;
if (existsSync(manifestPath)) {
  manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  deployment = normaliseDeployment(manifest, options);
} else if (!values['allow-missing-deployment']) {
  console.error(`gen: ${manifestPath} not found: deploy first (make up) or pass --allow-missing-deployment`);
  process.exit(1);
}

// An entry's build contract is its `contract_type` when it has one: the identity registry is the
// token implementation (SecurityToken), not a contract of its own.
for (const [name, entry] of Object.entries(manifest?.contracts ?? {})) {
  const contractType = entry.contract_type ?? name;
  if (!abis[contractType]) {
    console.warn(`gen: warning: ${name} is deployed as ${contractType}, which the build has no ABI for: run \`ape compile\``);
  }
}

mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'abis.ts'), renderAbis(abis));
writeFileSync(join(values.out, 'deployment.ts'), renderDeployment(deployment, options));
const where = deployment ? `${Object.keys(deployment.contracts).length} deployed contracts` : 'no deployment';
console.log(`gen: ${Object.keys(abis).length} ABIs, chain ${chainId} at ${options.rpcUrl}, ${where} -> ${values.out}`);
