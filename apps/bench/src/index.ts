export { type CaptureReducer, createCaptureReducer } from './capture-reducer.js';
export { type ChurnPlan, planChurn, type TimedChange } from './churn.js';
export {
  backfillFloor,
  type FloorBreakdown,
  floorSeconds,
  incrementalFloor,
  isDescended,
  listCalls,
  PAGE_SIZE,
} from './floor.js';
export { type ShapeFigures, type ShapeRequirements, shapeChecks, shapeFigures } from './large-workspace.js';
export type { PageChange } from './page-changes.js';
export { markdownTable, steadyTable, targetsTable } from './report.js';
export {
  type ContenderName,
  evaluateTargets,
  type RunResult,
  type SteadyFigures,
  type Target,
  type WorkloadKind,
  type WorkloadResult,
} from './results.js';
export { probeSearch, type SearchAnswer, type SearchPost } from './search-probe.js';
export {
  type Attribution,
  attributeRequests,
  DAILY_BUDGET_180,
  REQUEST_KINDS,
  type RequestKind,
  type SweepWindow,
  sweepWindowsFromLogs,
  type TimedLogLine,
} from './steady-attribution.js';
export { bucketRates, niceTicks, type RateChartOptions, type RateSeries, rateChartSvg } from './svg-chart.js';
export {
  type BlockShape,
  type CaptureComparison,
  compareCapture,
  expectedIds,
  type SearchReach,
  type WorkspaceShape,
  workspaceShape,
} from './workspace-shape.js';
