// Placeholder while the org model is written in parallel; replaced by the full AccountState.
export interface AccountState {
  accountId: string
  [key: string]: unknown
}
