// The jStat functions used here; the package ships no types.
declare module 'jstat' {
  const jstat: {
    beta: { inv(p: number, alpha: number, beta: number): number };
    /** P(X <= k): k successes in n draws from N items of which m are successes. */
    hypgeom: { cdf(k: number, N: number, m: number, n: number): number };
  };
  export default jstat;
}
