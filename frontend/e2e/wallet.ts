// An injected test wallet for e2e runs. In the page it is an EIP-1193 provider, set as
// `window.ethereum` and announced through EIP-6963; every request crosses to this process
// (page.exposeFunction), where the test decides to approve or reject it, viem signs with an anvil
// dev key and transactions go to the anvil RPC as raw transactions. Reads pass through to the RPC.
import type { Page } from 'playwright-core';
import { createWalletClient, defineChain, hexToBigInt, http, numberToHex, type Hex } from 'viem';
import { mnemonicToAccount, type HDAccount } from 'viem/accounts';

export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
export const WALLET_NAME = 'Keiretsu Test Wallet';
export const WALLET_RDNS = 'org.keiretsu.testwallet';
const BRIDGE = '__keiretsuTestWalletBridge';
const EMIT = '__keiretsuTestWalletEmit';
const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%23e8590c'/%3E%3Ctext x='16' y='22' font-size='16' text-anchor='middle' fill='white' font-family='sans-serif'%3ET%3C/text%3E%3C/svg%3E";

/** Requests a real wallet asks its user about. */
const PROMPTED = new Set([
  'eth_requestAccounts',
  'wallet_requestPermissions',
  'wallet_switchEthereumChain',
  'wallet_addEthereumChain',
  'eth_sendTransaction',
  'personal_sign',
  'eth_signTypedData_v4',
]);

export type Decision = 'approve' | 'reject';
export interface WalletRequest {
  method: string;
  params: unknown[];
  decision?: Decision;
}
interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}
type Reply = { result?: unknown; error?: RpcError; events?: [string, unknown][] };

class WalletRpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
  }
}
const rejected = () => new WalletRpcError(4001, 'User rejected the request.');

export interface TestWalletOptions {
  /** Chains the wallet knows at start, id -> RPC URL (null: a chain it cannot reach, like mainnet here). */
  chains?: Record<number, string | null>;
  /** Chain the wallet is on at start (default: the first of `chains`). */
  chainId?: number;
  /** Anvil mnemonic account indexes the wallet holds (default [0, 1, 2]). */
  accountIndexes?: number[];
}

export class TestWallet {
  readonly requests: WalletRequest[] = [];
  readonly accounts: HDAccount[];
  private readonly chains: Map<number, string | null>;
  private chainId: number;
  private selected = 0;
  private connected = false;
  private page: Page | undefined;
  private readonly pendingDecisions: { method: string; decision: Decision }[] = [];

  constructor(options: TestWalletOptions = {}) {
    this.chains = new Map(Object.entries(options.chains ?? { 1: null }).map(([id, url]) => [Number(id), url]));
    this.chainId = options.chainId ?? [...this.chains.keys()][0]!;
    this.accounts = (options.accountIndexes ?? [0, 1, 2]).map((addressIndex) =>
      mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex }),
    );
  }

  get address(): Hex {
    return this.accounts[this.selected]!.address;
  }

  get currentChainId(): number {
    return this.chainId;
  }

  /** The person will answer `decision` to the next prompt for `method` (others are approved). */
  decideNext(method: string, decision: Decision): void {
    this.pendingDecisions.push({ method, decision });
  }

  /** Methods asked so far, in order. */
  methods(): string[] {
    return this.requests.map((request) => request.method);
  }

  /** Installs the wallet in a page, before any of its scripts run. */
  async attach(page: Page): Promise<void> {
    this.page = page;
    await page.exposeFunction(BRIDGE, async (payload: string) => JSON.stringify(await this.handle(payload)));
    await page.addInitScript(injectProvider, { bridge: BRIDGE, emit: EMIT, name: WALLET_NAME, rdns: WALLET_RDNS, icon: ICON });
  }

  /** The person picks another account in the wallet. */
  async selectAccount(index: number): Promise<void> {
    if (!this.accounts[index]) throw new Error(`no account ${index}`);
    this.selected = index;
    if (this.connected) await this.emit('accountsChanged', [this.address]);
  }

  /** The person switches the wallet to another chain it knows. */
  async switchChainFromWallet(chainId: number): Promise<void> {
    if (!this.chains.has(chainId)) throw new Error(`wallet does not know chain ${chainId}`);
    this.chainId = chainId;
    await this.emit('chainChanged', numberToHex(chainId));
  }

  private async emit(event: string, payload: unknown): Promise<void> {
    await this.page?.evaluate(([name, value, emit]) => (window as unknown as Record<string, (n: string, v: unknown) => void>)[emit]!(name, value), [event, payload, EMIT] as const);
  }

  private decide(method: string): Decision {
    const index = this.pendingDecisions.findIndex((pending) => pending.method === method);
    if (index === -1) return 'approve';
    return this.pendingDecisions.splice(index, 1)[0]!.decision;
  }

  private async handle(payload: string): Promise<Reply> {
    const { method, params = [] } = JSON.parse(payload) as { method: string; params?: unknown[] };
    const request: WalletRequest = { method, params };
    this.requests.push(request);
    const events: [string, unknown][] = [];
    try {
      if (PROMPTED.has(method)) {
        // A switch to an unknown chain fails before any prompt, as in MetaMask.
        const unknownChain = method === 'wallet_switchEthereumChain' && !this.chains.has(Number((params[0] as { chainId: Hex }).chainId));
        if (!unknownChain) {
          request.decision = this.decide(method);
          if (request.decision === 'reject') throw rejected();
        }
      }
      return { result: await this.execute(method, params, events), events };
    } catch (error) {
      const { code = -32603, message = String(error), data } = error as Partial<WalletRpcError>;
      return { error: { code, message, data }, events };
    }
  }

  private async execute(method: string, params: unknown[], events: [string, unknown][]): Promise<unknown> {
    switch (method) {
      case 'eth_chainId':
        return numberToHex(this.chainId);
      case 'net_version':
        return String(this.chainId);
      case 'eth_accounts':
        return this.connected ? [this.address] : [];
      case 'eth_requestAccounts':
        this.connect(events);
        return [this.address];
      case 'wallet_requestPermissions':
        this.connect(events);
        return [this.permission()];
      case 'wallet_getPermissions':
        return this.connected ? [this.permission()] : [];
      case 'wallet_revokePermissions':
        this.connected = false;
        events.push(['accountsChanged', []]);
        return null;
      case 'wallet_switchEthereumChain': {
        const chainId = Number((params[0] as { chainId: Hex }).chainId);
        if (!this.chains.has(chainId)) throw new WalletRpcError(4902, `Unrecognized chain ID ${numberToHex(chainId)}.`);
        if (chainId !== this.chainId) {
          this.chainId = chainId;
          events.push(['chainChanged', numberToHex(chainId)]);
        }
        return null;
      }
      case 'wallet_addEthereumChain': {
        const chain = params[0] as { chainId?: Hex; rpcUrls?: string[]; nativeCurrency?: { decimals?: number } };
        if (!chain?.chainId || !chain.rpcUrls?.[0] || chain.nativeCurrency?.decimals !== 18) {
          throw new WalletRpcError(-32602, 'Invalid wallet_addEthereumChain parameter.');
        }
        // EIP-3085 leaves switching to the wallet; this one only adds, so the dApp must switch.
        this.chains.set(Number(chain.chainId), chain.rpcUrls[0]);
        return null;
      }
      case 'eth_sendTransaction':
        return this.sendTransaction(params[0] as Record<string, Hex | undefined>);
      case 'personal_sign':
        return this.account(params[1] as Hex).signMessage({ message: { raw: params[0] as Hex } });
      case 'eth_signTypedData_v4': {
        const typed = JSON.parse(params[1] as string) as { domain: object; types: Record<string, unknown>; primaryType: string; message: object };
        const { EIP712Domain: _domainType, ...types } = typed.types;
        return this.account(params[0] as Hex).signTypedData({ ...typed, types } as never);
      }
      case 'eth_sign':
        throw new WalletRpcError(4200, 'eth_sign is not supported.');
      default:
        return this.forward(method, params);
    }
  }

  private connect(events: [string, unknown][]): void {
    if (!this.connected) events.push(['accountsChanged', [this.address]]);
    this.connected = true;
  }

  private permission() {
    return { parentCapability: 'eth_accounts', caveats: [{ type: 'restrictReturnedAccounts', value: [this.address] }] };
  }

  private account(address: Hex): HDAccount {
    if (!this.connected) throw new WalletRpcError(4100, 'The wallet is not connected to this site.');
    const account = this.accounts.find((candidate) => candidate.address.toLowerCase() === address.toLowerCase());
    if (!account) throw new WalletRpcError(4100, `The wallet does not hold ${address}.`);
    return account;
  }

  private rpcUrl(): string {
    const url = this.chains.get(this.chainId);
    if (!url) throw new WalletRpcError(4901, `The wallet cannot reach chain ${this.chainId}.`);
    return url;
  }

  private async sendTransaction(tx: Record<string, Hex | undefined>): Promise<Hex> {
    const account = this.account(tx.from ?? this.address);
    const url = this.rpcUrl();
    const chain = defineChain({
      id: this.chainId,
      name: `chain ${this.chainId}`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [url] } },
    });
    const client = createWalletClient({ account, chain, transport: http(url) });
    const big = (value: Hex | undefined) => (value === undefined ? undefined : hexToBigInt(value));
    return client.sendTransaction({
      to: tx.to,
      data: tx.data ?? tx.input,
      value: big(tx.value),
      gas: big(tx.gas),
    } as never);
  }

  private async forward(method: string, params: unknown[]): Promise<unknown> {
    const response = await fetch(this.rpcUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    const body = (await response.json()) as { result?: unknown; error?: RpcError };
    if (body.error) throw new WalletRpcError(body.error.code, body.error.message, body.error.data);
    return body.result;
  }
}

/** Runs in the page before its scripts (serialised by playwright: it must not close over anything). */
function injectProvider(config: { bridge: string; emit: string; name: string; rdns: string; icon: string }): void {
  type Listener = (payload: unknown) => void;
  const listeners = new Map<string, Set<Listener>>();
  const page = window as unknown as Record<string, unknown>;
  const emit = (event: string, payload: unknown) => {
    for (const listener of [...(listeners.get(event) ?? [])]) listener(payload);
  };
  const provider = {
    isKeiretsuTestWallet: true,
    async request({ method, params }: { method: string; params?: unknown[] }) {
      const bridge = page[config.bridge] as (payload: string) => Promise<string>;
      const reply = JSON.parse(await bridge(JSON.stringify({ method, params }))) as {
        result?: unknown;
        error?: { code: number; message: string; data?: unknown };
        events?: [string, unknown][];
      };
      for (const [event, payload] of reply.events ?? []) emit(event, payload);
      if (reply.error) throw Object.assign(new Error(reply.error.message), reply.error);
      return reply.result;
    },
    on(event: string, listener: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return provider;
    },
    removeListener(event: string, listener: Listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  page[config.emit] = emit;
  page.ethereum = provider;
  const detail = Object.freeze({
    info: Object.freeze({ uuid: crypto.randomUUID(), name: config.name, icon: config.icon, rdns: config.rdns }),
    provider,
  });
  const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail }));
  window.addEventListener('eip6963:requestProvider', announce);
  announce();
}
