/// The `jobs.status` column of the SQL queue (M006): queries bind these raw values instead of
/// spelling them, so a state is named in one place. A job that gives up leaves the table for
/// `dead_letters`, so there is no dead state.
enum JobState: String {
    /// Due from `run_at` (new, or retried after a backoff).
    case waiting
    /// Held by the claim with `claim_token` until `locked_until`; claimable again after that.
    case active
    /// Done; kept for inspection until `purgeCompleted`.
    case completed
}
