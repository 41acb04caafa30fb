/** The value of one series in a Prometheus text exposition (`name{labels} value`), or undefined if absent. */
export const promSample = (exposition: string, series: string) => {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};
