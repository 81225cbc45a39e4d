import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { CustomerV1, DepositRequestV1, DepositV1, OpenCustomerRequestV1, WalletStatusV1 } from '@cbdc/contracts';
import { PG_POOL, withTransaction } from '@cbdc/platform';
import { KYC_CIPHER } from '../commercial-bank.tokens';
import { cashInAccount, customerAccount, postEntry } from '../core-banking/deposit-book';
import { ApiError } from '../http/api-error';
import type { KycCipher } from '../keys/kyc-cipher';

export function unknownCustomer(customerId: string): ApiError {
  return new ApiError(404, 'UNKNOWN_CUSTOMER', `customer ${customerId} does not exist`);
}

/**
 * Customers and their deposits. KYC fields are sealed with the bank's KYC key before they reach
 * the database (the customer id and field name bind each ciphertext to its place), and opened
 * only to answer staff.
 */
@Injectable()
export class CustomersService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KYC_CIPHER) private readonly kyc: KycCipher,
  ) {}

  async open(request: OpenCustomerRequestV1): Promise<CustomerV1> {
    const customerId = request.customerId ?? `c-${randomBytes(8).toString('hex')}`;
    const seal = (field: string, value: string) => this.kyc.seal(value, `${customerId}:${field}`);
    const created = await withTransaction(this.pool, async (client) => {
      const inserted = await client.query(
        `insert into customers (id, name_sealed, id_number_sealed, phone_sealed) values ($1, $2, $3, $4)
         on conflict (id) do nothing`,
        [customerId, seal('name', request.name), request.idNumber === undefined ? null : seal('idNumber', request.idNumber), seal('phone', request.phone)],
      );
      if (inserted.rowCount === 0) return false;
      await client.query(`insert into deposit_accounts (id, kind, customer_id, contra) values ($1, 'customer', $2, false)`, [customerAccount(customerId), customerId]);
      return true;
    });
    if (!created) throw new ApiError(409, 'CUSTOMER_EXISTS', `customer ${customerId} already exists`);
    return this.get(customerId);
  }

  /** Cash in or a salary: credits the customer's deposit from the bank's cash-in account, once per depositId. */
  async deposit(customerId: string, request: DepositRequestV1): Promise<DepositV1> {
    await withTransaction(this.pool, async (client) => {
      await this.requireCustomer(client, customerId);
      const inserted = await client.query('insert into deposits (deposit_id, customer_id, amount) values ($1, $2, $3) on conflict (deposit_id) do nothing', [
        request.depositId,
        customerId,
        request.amount.toString(),
      ]);
      if (inserted.rowCount === 0) {
        const first = await client.query<{ customer_id: string; amount: string }>('select customer_id, amount from deposits where deposit_id = $1', [request.depositId]);
        const row = first.rows[0]!;
        if (row.customer_id !== customerId || BigInt(row.amount) !== request.amount) {
          throw new ApiError(409, 'IDEMPOTENCY_CONFLICT', `deposit ${request.depositId} was already made with another customer or amount`);
        }
        return;
      }
      const posted = await postEntry(client, { reference: `deposit:${request.depositId}`, debit: cashInAccount, credit: customerAccount(customerId), amount: request.amount });
      if (posted !== 'posted') throw new Error(`deposit ${request.depositId} was not posted: ${posted}`);
    });
    const balance = await this.pool.query<{ balance: string }>('select balance from deposit_accounts where id = $1', [customerAccount(customerId)]);
    return { depositId: request.depositId, customerId, amount: request.amount.toString(), depositBalance: balance.rows[0]!.balance };
  }

  async get(customerId: string): Promise<CustomerV1> {
    const result = await this.pool.query<{ name_sealed: Buffer; id_number_sealed: Buffer | null; phone_sealed: Buffer; created_at: Date; balance: string }>(
      `select c.name_sealed, c.id_number_sealed, c.phone_sealed, c.created_at, a.balance
       from customers c join deposit_accounts a on a.customer_id = c.id where c.id = $1`,
      [customerId],
    );
    const row = result.rows[0];
    if (!row) throw unknownCustomer(customerId);
    const wallets = await this.pool.query<{ id: string; wallet_class: number; status: WalletStatusV1; balance: string }>(
      'select id, wallet_class, status, balance from wallets where customer_id = $1 order by created_at, id',
      [customerId],
    );
    const open = (field: string, sealed: Buffer) => this.kyc.open(sealed, `${customerId}:${field}`);
    return {
      customerId,
      name: open('name', row.name_sealed),
      idNumber: row.id_number_sealed ? open('idNumber', row.id_number_sealed) : null,
      phone: open('phone', row.phone_sealed),
      createdAt: row.created_at.toISOString(),
      depositBalance: row.balance,
      wallets: wallets.rows.map((w) => ({ walletId: w.id, walletClass: w.wallet_class, status: w.status, balance: w.balance })),
    };
  }

  /** Whether the customer gave an ID number (class 3 needs one; class 4 needs only the phone). */
  async hasIdNumber(customerId: string): Promise<boolean> {
    const result = await this.pool.query<{ has: boolean }>('select id_number_sealed is not null as has from customers where id = $1', [customerId]);
    if (!result.rows[0]) throw unknownCustomer(customerId);
    return result.rows[0].has;
  }

  private async requireCustomer(client: { query: Pool['query'] }, customerId: string): Promise<void> {
    const result = await client.query('select 1 from customers where id = $1', [customerId]);
    if (result.rows.length === 0) throw unknownCustomer(customerId);
  }
}
