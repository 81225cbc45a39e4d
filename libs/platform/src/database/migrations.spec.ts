// Proves that migrations are ordered by version, that an applied migration whose file changed or vanished is refused, and that only new files are planned.
import { migrationChecksum, MigrationError, migrationsFromFiles, parseMigrationFileName, planMigrations } from './migrations';

const files = migrationsFromFiles([
  { fileName: '0002-ledger.sql', sql: 'create table b (id int);\n' },
  { fileName: '0001-init.sql', sql: 'create table a (id int);\n' },
]);

describe('migration files', () => {
  it('are sorted by version and carry a SHA-256 checksum of their text', () => {
    expect(files.map((file) => file.fileName)).toEqual(['0001-init.sql', '0002-ledger.sql']);
    expect(files[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(files[0]!.checksum).toBe(migrationChecksum('create table a (id int);\n'));
    expect(files[0]!.checksum).not.toBe(files[1]!.checksum);
  });

  it('checksums ignore CRLF line endings but not any other change', () => {
    expect(migrationChecksum('a;\r\nb;\r\n')).toBe(migrationChecksum('a;\nb;\n'));
    expect(migrationChecksum('a;\nb;\n')).not.toBe(migrationChecksum('a;\nb; \n'));
  });

  it('must be named NNNN-name.sql with unique versions from 0001', () => {
    expect(parseMigrationFileName('0007-add-wallets.sql')).toEqual({ version: 7, name: 'add-wallets' });
    expect(parseMigrationFileName('7-add.sql')).toBeUndefined();
    expect(parseMigrationFileName('0007_add.sql')).toBeUndefined();
    expect(() => migrationsFromFiles([{ fileName: 'init.sql', sql: '' }])).toThrow(MigrationError);
    expect(() => migrationsFromFiles([{ fileName: '0000-zero.sql', sql: '' }])).toThrow('versions start at 0001');
    expect(() =>
      migrationsFromFiles([
        { fileName: '0001-a.sql', sql: '' },
        { fileName: '0001-b.sql', sql: '' },
      ]),
    ).toThrow('have the same version');
  });
});

describe('planMigrations', () => {
  const applied = (file: (typeof files)[number]) => ({ version: file.version, name: file.name, checksum: file.checksum });

  it('plans every file on an empty database, in order', () => {
    expect(planMigrations(files, []).map((file) => file.version)).toEqual([1, 2]);
  });

  it('plans only the files not yet applied', () => {
    expect(planMigrations(files, [applied(files[0]!)]).map((file) => file.version)).toEqual([2]);
    expect(planMigrations(files, files.map(applied))).toEqual([]);
  });

  it('refuses an applied migration whose file changed', () => {
    const edited = migrationsFromFiles([
      { fileName: '0001-init.sql', sql: 'create table a (id bigint);\n' },
      { fileName: '0002-ledger.sql', sql: 'create table b (id int);\n' },
    ]);
    expect(() => planMigrations(edited, [applied(files[0]!)])).toThrow(/0001-init\.sql was changed after it was applied/);
  });

  it('refuses an applied migration whose file is missing', () => {
    expect(() => planMigrations([files[0]!], files.map(applied))).toThrow('Migration 0002-ledger is applied in the database but its file is missing');
  });

  it('refuses a new file numbered below the newest applied one', () => {
    const withGap = migrationsFromFiles([
      { fileName: '0001-init.sql', sql: 'create table a (id int);\n' },
      { fileName: '0002-late.sql', sql: 'select 1;\n' },
      { fileName: '0003-c.sql', sql: 'select 3;\n' },
    ]);
    const c = withGap[2]!;
    expect(() => planMigrations(withGap, [applied(withGap[0]!), { version: 3, name: c.name, checksum: c.checksum }])).toThrow(
      '0002-late.sql is older than the newest applied migration 0003',
    );
  });
});
