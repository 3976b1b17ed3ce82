import { type Dialect, distinctRuns } from './dialect.js';
import { packageKey } from './gotestsum.js';

/**
 * go-junit-report v1: a suite per package (no `timestamp`) with the `go.version`
 * property, classname only the package's last path element, so `a/util` and `b/util`
 * share it: the suite's name, the import path, tells them apart. It has no reruns; a
 * repeat comes from `-count=N` and is a separate run.
 */
export const goJunitReport: Dialect = {
  name: 'go-junit-report',
  detect: {
    property: (name, _value, { suite }) => name === 'go.version' && suite?.timestamp === undefined,
  },
  key: packageKey,
  readRepeats: distinctRuns,
};
