// Minimal typings for the parts of jstat flopmeter uses (the package ships none).
declare module 'jstat' {
  interface JStat {
    studentt: {
      /** Inverse CDF of Student's t with `dof` degrees of freedom. */
      inv(p: number, dof: number): number;
      /** CDF of Student's t with `dof` degrees of freedom. */
      cdf(x: number, dof: number): number;
    };
    normal: {
      /** Inverse CDF of the normal distribution. */
      inv(p: number, mean: number, sd: number): number;
      /** CDF of the normal distribution. */
      cdf(x: number, mean: number, sd: number): number;
    };
  }
  const jStat: JStat;
  export default jStat;
}
