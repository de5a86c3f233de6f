/** A mutation or lookup named a page, block, comment or data source the workspace does not hold. */
export class WorkspaceError extends Error {}
