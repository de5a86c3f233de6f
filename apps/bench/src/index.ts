export { type CaptureReducer, createCaptureReducer } from './capture-reducer.js';
export {
  backfillFloor,
  type FloorBreakdown,
  floorSeconds,
  incrementalFloor,
  isDescended,
  listCalls,
  PAGE_SIZE,
} from './floor.js';
export { markdownTable, targetsTable } from './report.js';
export {
  type ContenderName,
  evaluateTargets,
  type RunResult,
  type Target,
  type WorkloadKind,
  type WorkloadResult,
} from './results.js';
export { bucketRates, niceTicks, type RateChartOptions, type RateSeries, rateChartSvg } from './svg-chart.js';
export {
  type BlockShape,
  type CaptureComparison,
  compareCapture,
  expectedIds,
  type WorkspaceShape,
  workspaceShape,
} from './workspace-shape.js';
