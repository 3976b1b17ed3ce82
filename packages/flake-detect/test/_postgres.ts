import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres } from '../../../scripts/services.mjs';

/**
 * A throwaway Postgres for the suite it is called in (started before its tests, stopped
 * after them), and a fresh database in it per call of `database()`.
 */
export function throwawayPostgres(prefix: string) {
  let postgres: { url: string; stop: () => void } | undefined;
  let databases = 0;
  beforeAll(async () => {
    postgres = await startPostgres();
  }, 60_000);
  afterAll(() => postgres?.stop());
  return {
    /** The server's own database, for what needs an admin. */
    url: () => postgres!.url,
    async database(): Promise<string> {
      const name = `${prefix}_${++databases}`;
      const client = new pg.Client({ connectionString: postgres!.url });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      return postgres!.url.replace(/\/postgres$/, `/${name}`);
    },
  };
}
