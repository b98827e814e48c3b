/**
 * Samplers driven by a given uniform (inverse-CDF or its normal approximation), so that the same uniform gives coupled
 * draws for different parameters (random.ts). Pure functions.
 */

/** Φ⁻¹(u), Acklam's rational approximation (relative error below 1.2e-9). */
export function normalQuantile(u: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const p = Math.min(Math.max(u, 1e-300), 1 - 1e-16);
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Φ(x), the standard normal CDF (Abramowitz–Stegun 7.1.26 on erf, error below 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Below this mean, Poisson and binomial draws use the exact inverse CDF; above, the normal approximation. */
const EXACT_BELOW = 40;

/** A Poisson(λ) draw for uniform `u`. */
export function poisson(lambda: number, u: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda < EXACT_BELOW) {
    let k = 0;
    let pmf = Math.exp(-lambda);
    let cdf = pmf;
    while (u > cdf && k < 1000) {
      k += 1;
      pmf *= lambda / k;
      cdf += pmf;
    }
    return k;
  }
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normalQuantile(u)));
}

/** A Binomial(n, p) draw for uniform `u`. */
export function binomial(n: number, p: number, u: number): number {
  if (n <= 0 || !(p > 0)) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, 1 - u);
  const mean = n * p;
  if (mean < EXACT_BELOW) {
    if (n > 1000 && p < 0.01) return Math.min(n, poisson(mean, u)); // Poisson limit: same draw, far cheaper
    let k = 0;
    let pmf = (1 - p) ** n;
    let cdf = pmf;
    const odds = p / (1 - p);
    while (u > cdf && k < n) {
      pmf *= (odds * (n - k)) / (k + 1);
      k += 1;
      cdf += pmf;
    }
    return k;
  }
  const sd = Math.sqrt(mean * (1 - p));
  return Math.min(n, Math.max(0, Math.round(mean + sd * normalQuantile(u))));
}
