/**
 * The demo's full lifecycle, after the infrastructure steps of demo.ts: both banks obtain digital
 * cash by issue; customers of both banks open wallets of different classes, load, pay each other
 * across banks and within a bank; a merchant's request is paid and its webhook arrives; a wallet
 * hits its class limit and is refused with the ledger's code; a wallet unloads; a bank recalls;
 * and at the end every wallet mirror and vault at each bank equals the central ledger.
 *
 * Every id carries this run's suffix, so the demo can run again on the same system.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  BankApi,
  BankApiError,
  createWalletKeys,
  formatYuan,
  InMemoryCounterStore,
  parseYuan,
  type WalletKeys,
} from '@cbdc/wallet-sdk';

export interface DemoHttp {
  (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, apiKey?: string): Promise<{ status: number; json: unknown }>;
}

/** Runs the compiled `cbdc` command line with `--json`: its exit status and parsed output. */
export type DemoCli = (args: readonly string[]) => { status: number | null; json: Record<string, unknown> };

export interface LifecycleContext {
  readonly http: DemoHttp;
  readonly cli: DemoCli;
  readonly stackDir: string;
  readonly regulatorUrl: string;
  readonly centralBankUrl: string;
  readonly centralBankKey: () => Promise<string>;
  readonly banks: readonly { readonly name: string; readonly url: string; readonly staffKey: string }[];
}

export interface Step {
  readonly name: string;
  readonly run: () => Promise<string>;
}

/** How long a step waits for the ledger's decision to reach a bank. */
const decisionWaitMs = 30_000;
const pollIntervalMs = 100;
/** What each bank asks the central bank to issue at the start. */
const issueAmount = parseYuan('200000');

interface Holder {
  readonly label: string;
  readonly bank: string;
  readonly customerId: string;
  readonly keys: WalletKeys;
  readonly counters: InMemoryCounterStore;
}

/** The answer's JSON body when its HTTP status is one of `statuses`; else an error naming `what`. */
export function expectStatus(result: { status: number; json: unknown }, statuses: number | readonly number[], what: string): Record<string, unknown> {
  const allowed = typeof statuses === 'number' ? [statuses] : statuses;
  if (!allowed.includes(result.status)) throw new Error(`${what}: HTTP ${result.status} ${JSON.stringify(result.json).slice(0, 400)}`);
  return result.json as Record<string, unknown>;
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + decisionWaitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: no decision within ${decisionWaitMs} ms`);
    await new Promise((resolveWait) => setTimeout(resolveWait, pollIntervalMs));
  }
}

/** A local HTTP server playing the merchant's back office: it records webhook deliveries. */
class WebhookInbox {
  readonly deliveries: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolveListen) => this.server!.listen(0, '127.0.0.1', resolveListen));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/cbdc`;
  }

  stop(): void {
    this.server?.close();
  }
}

export function lifecycleSteps(context: LifecycleContext): { steps: Step[]; cleanup: () => void } {
  const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const { http } = context;
  const bank = (name: string) => {
    const found = context.banks.find((b) => b.name === name);
    if (!found) throw new Error(`no bank ${name} in the running system`);
    return found;
  };
  const api = (name: string) => new BankApi({ baseUrl: bank(name).url, apiKey: bank(name).staffKey });
  const holders = new Map<string, Holder>();
  const holder = (label: string) => holders.get(label)!;
  const inbox = new WebhookInbox();
  let merchantSecret = '';
  let requestUri = '';
  let requestId = '';
  const payments = new Map<string, string>();
  const unmaskingId = `demo-unmask-${run}`;
  const official = (n: number) => join(context.stackDir, 'regulator', 'officials', `official-${n}.json`);
  const regulatorPublic = join(context.stackDir, 'regulator', 'regulator-public.json');
  const regulatorCli = (args: readonly string[]) => context.cli(['regulator', ...args, '--url', context.regulatorUrl]);

  const walletOf = async (h: Holder) => api(h.bank).wallet(h.keys.walletId);
  const centralBalance = async (account: string): Promise<bigint> => {
    const key = await context.centralBankKey();
    const body = expectStatus(await http('GET', `${context.centralBankUrl}/v1/accounts/${encodeURIComponent(account)}`, undefined, key), 200, `account ${account}`);
    return BigInt(String(body.balance));
  };

  const treasuryOrder = async (bankName: string, direction: 'issue' | 'recall', amount: bigint): Promise<string> => {
    const b = bank(bankName);
    const requestIdOrder = `demo-${direction}-${run}`;
    // The bank's own treasury job may have a request in flight; wait for it rather than fail.
    const placed = await waitUntil(`${bankName} ${direction} order`, async () => {
      const result = await http('POST', `${b.url}/v1/treasury/${direction}`, { requestId: requestIdOrder, amount: amount.toString() }, b.staffKey);
      if (result.status === 409 && (result.json as { code?: string }).code === 'TREASURY_REQUEST_IN_FLIGHT') return undefined;
      return expectStatus(result, [200, 202], `${bankName} ${direction}`);
    });
    const settled = await waitUntil(`${bankName} ${direction} settlement`, async () => {
      const status = expectStatus(await http('GET', `${b.url}/v1/treasury/requests/${requestIdOrder}`, undefined, b.staffKey), 200, 'treasury request');
      if (status.status === 'rejected') throw new Error(`${direction} rejected: ${String(status.code)}`);
      return status.status === 'settled' ? status : undefined;
    });
    const view = expectStatus(await http('GET', `${b.url}/v1/treasury`, undefined, b.staffKey), 200, 'treasury');
    return `${direction} ${formatYuan(BigInt(String(settled.amount)))} yuan ${String(placed.status)} -> settled; vault ${formatYuan(BigInt(String(view.vault)))} yuan`;
  };

  const openHolder = async (label: string, bankName: string, identity: { name: string; phone: string; idNumber?: string }, deposit: bigint, walletClass: 3 | 4): Promise<string> => {
    const b = bank(bankName);
    const customerId = `demo-${label}-${run}`;
    expectStatus(await http('POST', `${b.url}/v1/customers`, { customerId, ...identity }, b.staffKey), [200, 201], `customer ${label}`);
    if (deposit > 0n) {
      expectStatus(
        await http('POST', `${b.url}/v1/customers/${customerId}/deposits`, { depositId: `salary-${label}-${run}`, amount: deposit.toString() }, b.staffKey),
        [200, 201],
        `deposit ${label}`,
      );
    }
    const keys = createWalletKeys();
    const h: Holder = { label, bank: bankName, customerId, keys, counters: new InMemoryCounterStore() };
    holders.set(label, h);
    await api(bankName).openWallet(keys, { customerId, walletClass, requestId: `open-${label}-${run}` });
    const wallet = await waitUntil(`${label}'s wallet`, async () => {
      const w = await walletOf(h);
      if (w.status === 'rejected') throw new Error(`wallet rejected: ${String(w.rejectionCode)}`);
      return w.status === 'open' ? w : undefined;
    });
    return `${label} at ${bankName}: class ${wallet.walletClass} wallet ${keys.walletId.slice(0, 12)}…`;
  };

  const changeClass = async (label: string, walletClass: 1 | 2): Promise<string> => {
    const h = holder(label);
    const b = bank(h.bank);
    const changeId = `demo-class-${label}-${run}`;
    const path = walletClass === 1 ? 'in-person-verifications' : 'class-changes';
    const body = walletClass === 1 ? { changeId, documentExpiresOn: '2031-12-31' } : { changeId, walletClass, documentExpiresOn: '2031-12-31' };
    expectStatus(await http('POST', `${b.url}/v1/wallets/${h.keys.walletId}/${path}`, body, b.staffKey), 202, `class change ${label}`);
    await waitUntil(`${label}'s class change`, async () => {
      const change = expectStatus(await http('GET', `${b.url}/v1/wallets/${h.keys.walletId}/class-changes/${changeId}`, undefined, b.staffKey), 200, 'class change');
      if (change.status === 'rejected') throw new Error(`class change rejected: ${String(change.code)}`);
      return change.status === 'accepted' ? change : undefined;
    });
    const wallet = await walletOf(h);
    return `${label} is class ${wallet.walletClass} on the central ledger`;
  };

  const load = async (label: string, amount: bigint): Promise<string> => {
    const h = holder(label);
    const loadId = `demo-load-${label}-${run}`;
    await api(h.bank).load(h.keys.walletId, amount, loadId);
    const decided = await waitUntil(`${label}'s load`, async () => {
      const status = await api(h.bank).loadStatus(h.keys.walletId, loadId);
      return status.status === 'pending' ? undefined : status;
    });
    if (decided.status !== 'accepted') throw new Error(`load rejected: ${String(decided.code)}`);
    const balance = await api(h.bank).balance(h.keys);
    return `${label} loaded ${formatYuan(amount)} yuan from deposit; wallet holds ${formatYuan(BigInt(balance.balance))} yuan`;
  };

  const pay = async (from: string, to: string, amount: bigint): Promise<string> => {
    const payer = holder(from);
    const payee = holder(to);
    const answer = await api(payer.bank).pay(payer.keys, payer.counters, { payeeWalletId: payee.keys.walletId, amount });
    if (answer.status !== 'settled') throw new Error(`payment ${answer.paymentId} is ${answer.status}`);
    payments.set(`${from}->${to}`, answer.paymentId);
    // The payee's bank learns of the credit on its own topic; its mirror follows within moments.
    const payeeBalance = await waitUntil(`${to}'s credit`, async () => {
      const history = await api(payee.bank).history(payee.keys);
      return history.entries.some((entry) => entry.reference === answer.paymentId) ? api(payee.bank).balance(payee.keys) : undefined;
    });
    const where = payer.bank === payee.bank ? `within ${payer.bank}` : `${payer.bank} -> ${payee.bank}`;
    return `${from} paid ${to} ${formatYuan(amount)} yuan (${where}), settled at entry ${String(answer.sequence)}; ${to} holds ${formatYuan(BigInt(payeeBalance.balance))} yuan`;
  };

  const steps: Step[] = [
    ...context.banks.map((b) => ({
      name: `${b.name} obtains digital cash: its treasury asks the central bank to issue against its reserves`,
      run: () => treasuryOrder(b.name, 'issue', issueAmount),
    })),
    {
      name: 'customers of bank-a open wallets (class 3 with an ID number)',
      run: async () =>
        [
          await openHolder('alice', 'bank-a', { name: 'Alice Demo', phone: '+8613800000001', idNumber: '110101199001010011' }, parseYuan('120000'), 3),
          await openHolder('carol', 'bank-a', { name: 'Carol Demo', phone: '+8613800000002', idNumber: '110101199202020022' }, parseYuan('6000'), 3),
        ].join('; '),
    },
    {
      name: 'customers of bank-b open wallets (class 4 with a phone number only; class 3; a merchant)',
      run: async () =>
        [
          await openHolder('bob', 'bank-b', { name: 'Bob Demo', phone: '+8613800000003' }, parseYuan('1000'), 4),
          await openHolder('dave', 'bank-b', { name: 'Dave Demo', phone: '+8613800000004', idNumber: '110101198503030033' }, parseYuan('1000'), 3),
          await openHolder('shop', 'bank-b', { name: 'Noodle Shop Ltd', phone: '+8613800000005', idNumber: '91110000MA0000000X' }, 0n, 3),
        ].join('; '),
    },
    {
      name: 'wallet classes: alice and dave verified in person (class 1), carol links her deposit account (class 2)',
      run: async () => [await changeClass('alice', 1), await changeClass('dave', 1), await changeClass('carol', 2)].join('; '),
    },
    {
      name: 'loads: deposits become digital cash (deposit debited, wallet credited on the central ledger)',
      run: async () =>
        [await load('alice', parseYuan('100000')), await load('carol', parseYuan('3000')), await load('bob', parseYuan('800')), await load('dave', parseYuan('500'))].join('; '),
    },
    { name: 'payment across banks, synchronous: alice (bank-a) -> bob (bank-b)', run: () => pay('alice', 'bob', parseYuan('100')) },
    { name: 'payment within a bank: alice -> carol (bank-a)', run: () => pay('alice', 'carol', parseYuan('200')) },
    { name: 'payment across banks the other way: dave (bank-b) -> carol (bank-a)', run: () => pay('dave', 'carol', parseYuan('20')) },
    {
      name: 'a merchant (shop at bank-b) registers a webhook and renders a payment request as a URI',
      run: async () => {
        const shop = holder('shop');
        const b = bank('bank-b');
        const webhookUrl = await inbox.start();
        const merchant = expectStatus(await http('POST', `${b.url}/v1/merchants/${shop.keys.walletId}`, { webhookUrl }, b.staffKey), [200, 201], 'merchant');
        merchantSecret = String(merchant.webhookSecret ?? '');
        requestId = `order-${run}`;
        const request = expectStatus(
          await http('POST', `${b.url}/v1/merchants/${shop.keys.walletId}/payment-requests`, { requestId, amount: parseYuan('88.80').toString(), reference: `Order ${run}`, expiresInSeconds: 600 }, b.staffKey),
          [200, 201],
          'payment request',
        );
        requestUri = String(request.uri);
        return `${requestUri} (payment id ${String(request.paymentId)})`;
      },
    },
    {
      name: 'alice (bank-a) pays the request from its URI; scanning it again cannot pay it twice',
      run: async () => {
        const alice = holder('alice');
        const first = await api('bank-a').payRequest(alice.keys, alice.counters, requestUri);
        if (first.status !== 'settled') throw new Error(`the request's payment is ${first.status}`);
        // A second scan signs a new instruction under the same derived payment id: refused, not paid.
        try {
          await api('bank-a').payRequest(alice.keys, alice.counters, requestUri);
          throw new Error('a second payment of the same request was accepted');
        } catch (error) {
          if (!(error instanceof BankApiError) || error.status !== 409) throw error;
          const history = await api('bank-a').history(alice.keys);
          const paid = history.entries.filter((entry) => entry.reference === first.paymentId).length;
          if (paid !== 1) throw new Error(`alice's history shows the request paid ${paid} times`);
          return `settled once, at entry ${String(first.sequence)}; the second scan got 409 ${error.code}`;
        }
      },
    },
    {
      name: "the merchant's webhook arrives, signed with its secret, and the request shows paid",
      run: async () => {
        const b = bank('bank-b');
        const shop = holder('shop');
        const delivery = await waitUntil('webhook', async () => inbox.deliveries[0]);
        const timestamp = String(delivery.headers['x-cbdc-timestamp'] ?? '');
        const signature = String(delivery.headers['x-cbdc-signature'] ?? '');
        const expected = createHmac('sha256', merchantSecret).update(`${timestamp}.${delivery.body}`).digest('hex');
        if (!signature.includes(expected)) throw new Error(`webhook signature ${signature} does not match the merchant secret`);
        const status = expectStatus(await http('GET', `${b.url}/v1/merchants/${shop.keys.walletId}/payment-requests/${requestId}`, undefined, b.staffKey), 200, 'request');
        if (status.status !== 'paid') throw new Error(`request is ${String(status.status)}`);
        return `delivery ${String(delivery.headers['x-cbdc-delivery-id'])} verified; request ${String(status.status)}`;
      },
    },
    {
      name: 'bob (class 4, single payment limit 500 yuan) tries to pay 600 yuan and is refused with the class limit code',
      run: async () => {
        const bob = holder('bob');
        try {
          await api('bank-b').pay(bob.keys, bob.counters, { payeeWalletId: holder('alice').keys.walletId, amount: parseYuan('600') });
        } catch (error) {
          if (error instanceof BankApiError && error.status === 422 && error.code === 'CLASS_LIMIT_SINGLE') return `422 ${error.code}: ${error.message}`;
          throw error;
        }
        throw new Error('the payment above the class limit was accepted');
      },
    },
    {
      name: 'a large payment (50,000 yuan, the reporting threshold): alice (class 1) -> dave (class 1)',
      run: () => pay('alice', 'dave', parseYuan('50000')),
    },
    {
      name: 'the regulator receives a large-value report of it, carrying both wallets\' escrows (never the identities)',
      run: async () => {
        const paymentId = payments.get('alice->dave')!;
        const report = await waitUntil('large-value report', async () => {
          const listed = regulatorCli(['reports', '--official', official(1), '--limit', '50']);
          if (listed.status !== 0) throw new Error(`regulator reports: ${JSON.stringify(listed.json)}`);
          const reports = listed.json.reports as { reportId: string; reportKind: string; payments: { paymentId: string }[]; escrows: { walletId: string; escrow?: string | null }[] }[];
          return reports.find((r) => r.payments.some((p) => p.paymentId === paymentId));
        });
        const sealed = report.escrows.filter((e) => typeof e.escrow === 'string' && e.escrow.length > 0).length;
        if (JSON.stringify(report).includes('Dave Demo')) throw new Error('the report carries a name in clear');
        return `${report.reportKind} report ${report.reportId}: payment ${paymentId}, ${sealed} of ${report.escrows.length} escrows sealed`;
      },
    },
    {
      name: "unmasking dave's wallet (k = 2 of 3): a request and ONE approval are not enough, and nothing is decrypted",
      run: async () => {
        const request = regulatorCli([
          'request', '--official', official(1), '--request-id', unmaskingId, '--case', `CASE-${run}`,
          '--legal-basis', 'Anti-Money Laundering Law art. 32: large-value transaction review', '--wallet', holder('dave').keys.walletId,
        ]);
        if (request.status !== 0) throw new Error(`request: ${JSON.stringify(request.json)}`);
        const approve = regulatorCli(['approve', '--official', official(1), '--public', regulatorPublic, '--request-id', unmaskingId]);
        if (approve.status !== 0) throw new Error(`approve: ${JSON.stringify(approve.json)}`);
        const open = regulatorCli(['open', '--official', official(1), '--request-id', unmaskingId]);
        const code = (open.json.error as { code?: string } | undefined)?.code;
        if (open.status === 0 || code !== 'THRESHOLD_NOT_MET') throw new Error(`opening with one approval: exit ${String(open.status)} ${JSON.stringify(open.json)}`);
        return `requested by official-1, approved by official-1; open refused: ${code}`;
      },
    },
    {
      name: 'a second official approves: the requester opens the escrow, and the audit record becomes an entry of the anchored chain',
      run: async () => {
        const approve = regulatorCli(['approve', '--official', official(2), '--public', regulatorPublic, '--request-id', unmaskingId]);
        if (approve.status !== 0) throw new Error(`approve: ${JSON.stringify(approve.json)}`);
        const open = regulatorCli(['open', '--official', official(1), '--request-id', unmaskingId]);
        if (open.status !== 0) throw new Error(`open: ${JSON.stringify(open.json)}`);
        const identity = open.json.identity as { name?: string; walletId?: string };
        if (identity.name !== 'Dave Demo' || identity.walletId !== holder('dave').keys.walletId) throw new Error(`opened ${JSON.stringify(identity)}`);
        const commandId = String(open.json.anchorCommandId);
        const key = await context.centralBankKey();
        const proof = await waitUntil('the audit record in a final block', async () => {
          const result = await http('GET', `${context.centralBankUrl}/v1/proofs/payments/${encodeURIComponent(commandId)}`, undefined, key);
          if (result.status !== 200) return undefined;
          const body = result.json as { final?: boolean; block?: { header?: { height?: string } }; entry?: { sequence?: string } };
          return body.final ? body : undefined;
        });
        return `identity of ${identity.walletId.slice(0, 12)}… shown to the requester; audit digest ${String(open.json.auditDigest).slice(0, 16)}… is entry ${String(proof.entry?.sequence)} in final block ${String(proof.block?.header?.height)}`;
      },
    },
    {
      name: 'unload: dave turns 20,000 yuan of digital cash back into his deposit',
      run: async () => {
        const dave = holder('dave');
        const unloadId = `demo-unload-dave-${run}`;
        await api('bank-b').unload(dave.keys, dave.counters, parseYuan('20000'), unloadId);
        const decided = await waitUntil('unload', async () => {
          const status = await api('bank-b').unloadStatus(dave.keys.walletId, unloadId);
          return status.status === 'pending' ? undefined : status;
        });
        if (decided.status !== 'accepted') throw new Error(`unload rejected: ${String(decided.code)}`);
        const balance = await api('bank-b').balance(dave.keys);
        return `accepted; dave's wallet holds ${formatYuan(BigInt(balance.balance))} yuan`;
      },
    },
    { name: 'bank-b recalls digital cash it does not need: vault -> reserves', run: () => treasuryOrder('bank-b', 'recall', parseYuan('10000')) },
    {
      name: "reconciliation: every demo wallet's mirror at its bank, and each bank's vault, equal the central ledger",
      run: async () => {
        const lines: string[] = [];
        for (const h of holders.values()) {
          const mirror = BigInt((await walletOf(h)).balance);
          const central = await centralBalance(`wallet:${h.keys.walletId}`);
          if (mirror !== central) throw new Error(`${h.label}: bank mirror ${mirror} fen, central ledger ${central} fen`);
          lines.push(`${h.label} ${formatYuan(mirror)}`);
        }
        for (const b of context.banks) {
          const view = expectStatus(await http('GET', `${b.url}/v1/treasury`, undefined, b.staffKey), 200, 'treasury');
          const central = await centralBalance(`vault:${b.name}`);
          if (BigInt(String(view.vault)) !== central) throw new Error(`${b.name}: vault ${String(view.vault)} fen at the bank, ${central} fen on the central ledger`);
          lines.push(`vault:${b.name} ${formatYuan(central)}`);
        }
        return `all equal (yuan): ${lines.join(', ')}`;
      },
    },
  ];
  return { steps, cleanup: () => inbox.stop() };
}
