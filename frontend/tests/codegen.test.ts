import { describe, expect, it } from 'vitest';
import { collectAbis, normaliseDeployment, renderAbis, renderDeployment } from '../scripts/codegen.mjs';

const transferAbi = [
  {
    type: 'function',
    name: 'transfer',
    stateMutability: 'nonpayable',
    inputs: [
      { name: 'to', type: 'address' },
      { name: 'amount', type: 'uint256' },
    ],
    outputs: [{ name: '', type: 'bool' }],
  },
];

const build = {
  contractTypes: {
    CashToken: { abi: transferAbi },
    restrictions: { abi: [] },
    IdentityRegistry: { abi: [{ type: 'function', name: 'isVerified', stateMutability: 'view', inputs: [], outputs: [] }] },
  },
};

const manifest = {
  chain_id: 31337,
  deployment_block: 12,
  contracts: {
    IdentityRegistry: { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', version: '1' },
    CashToken: { address: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', version: '1' },
  },
};

const options = { chainId: 31337, rpcUrl: 'http://127.0.0.1:8545', apiUrl: 'http://127.0.0.1:8550', chainName: 'Keiretsu Local' };

/** Evaluates a generated TypeScript module written only with `export const` and type annotations. */
function evaluate(source: string): Record<string, unknown> {
  const js = source
    .replace(/^export type .*$/gm, '')
    .replace(/ as const/g, '')
    .replace(/ as Record<[^\n]*>,/g, ',')
    .replace(/^export const (\w+) =/gm, 'var $1 = exports.$1 =');
  const exports: Record<string, unknown> = {};
  new Function('exports', js)(exports);
  return exports;
}

describe('contract code generation', () => {
  it('keeps every contract type with an ABI, sorted, and drops ABI-less modules', () => {
    expect(Object.keys(collectAbis(build))).toEqual(['CashToken', 'IdentityRegistry']);
  });

  it('refuses a build without contract types', () => {
    expect(() => collectAbis({})).toThrow('run `ape compile` first');
  });

  it('renders each ABI as a const export and a name map', () => {
    const source = renderAbis(collectAbis(build));
    expect(source).toContain('export const CashTokenAbi = [');
    expect(source).toContain('export type ContractName = keyof typeof abis;');
    const generated = evaluate(source);
    expect(generated.CashTokenAbi).toEqual(transferAbi);
    expect(Object.keys(generated.abis as object)).toEqual(['CashToken', 'IdentityRegistry']);
  });

  it('renders the deployment with chain, rpc url, API url and addresses', () => {
    const generated = evaluate(renderDeployment(normaliseDeployment(manifest, options), options));
    expect(generated.deployment).toEqual({
      chainId: 31337,
      chainName: 'Keiretsu Local',
      rpcUrl: 'http://127.0.0.1:8545',
      apiUrl: 'http://127.0.0.1:8550/',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      deploymentBlock: 12n,
      deployed: true,
      contracts: {
        CashToken: { address: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', version: '1' },
        IdentityRegistry: { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', version: '1' },
      },
    });
    expect(generated.addresses).toEqual({
      CashToken: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
      IdentityRegistry: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    });
  });

  it('renders an undeployed build when there is no manifest', () => {
    const generated = evaluate(renderDeployment(null, options));
    expect(generated.deployment).toMatchObject({ chainId: 31337, deployed: false, contracts: {} });
  });

  it('refuses a manifest for another chain, a bad address or a non-http rpc or API url', () => {
    expect(() => normaliseDeployment({ ...manifest, chain_id: 1 }, options)).toThrow('manifest is for chain 1');
    const badAddress = { ...manifest, contracts: { CashToken: { address: '0x1234', version: '1' } } };
    expect(() => normaliseDeployment(badAddress, options)).toThrow('CashToken: bad address');
    expect(() => normaliseDeployment(manifest, { ...options, rpcUrl: 'ws://x' })).toThrow('rpc url must be http');
    expect(() => normaliseDeployment(manifest, { ...options, apiUrl: '127.0.0.1:8550' })).toThrow('api url must be http');
  });
});
