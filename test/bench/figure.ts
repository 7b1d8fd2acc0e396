/** One measured number of the benchmark, with the target it is held to where there is one. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** e.g. ">= 10e6" */
  target?: string;
}
