export interface Service {
  url: string;
  port: number;
  stop(): void;
}
export function freePort(): Promise<number>;
export function postgresBinaries(): string | undefined;
export function redisBinary(): string | undefined;
export function missingServices(options?: {
  postgres?: boolean;
  redis?: boolean;
}): string | undefined;
export function startPostgres(): Promise<
  Service & { restart(): void; createDatabase(name: string): string }
>;
export function startRedis(): Promise<
  Service & { child: import('node:child_process').ChildProcess; restart(): Promise<void> }
>;
