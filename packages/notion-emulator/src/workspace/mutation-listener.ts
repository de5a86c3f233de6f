/** The workspace mutations a listener hears about (the admin API calls the same names). */
export type WorkspaceMutationName =
  | 'editPage'
  | 'editBlock'
  | 'appendBlocks'
  | 'deleteBlock'
  | 'moveBlock'
  | 'movePage'
  | 'trashPage'
  | 'restorePage'
  | 'purgePage'
  | 'unsharePage'
  | 'sharePage'
  | 'addComment'
  | 'resolveComment'
  | 'addDataSource'
  | 'addPage'
  | 'hideFromSearch'
  | 'addProperty'
  | 'renameProperty'
  | 'retypeProperty';

/** One call of a workspace mutation, as made. */
export interface WorkspaceMutation {
  op: WorkspaceMutationName;
  args: readonly unknown[];
}

/**
 * Hears every workspace mutation: called before it is applied (to note the state it will change)
 * and may return a function called with its result once it has been applied. Not called back when
 * the mutation throws.
 */
export type MutationListener = (mutation: WorkspaceMutation) => ((result: unknown) => void) | undefined;
