import CompeteStore
import ServiceLifecycle
import Vapor

/// The API role's ear for the other instances' writes on PostgreSQL (`CatalogFeed`): listens
/// from start until graceful shutdown. First in the role list, so it stops after the servers.
struct CatalogFeedService: Service, CustomStringConvertible {
    let feed: CatalogFeed

    var description: String { "catalog listener" }

    func run() async throws {
        await cancelWhenGracefulShutdown { await feed.run() }
    }
}

/// Sends the catalog notification still owed to the other instances when the application shuts
/// down (after every role), so a write in the last moments does not wait out their expiry.
struct CatalogNotifierShutdown: LifecycleHandler {
    let context: SQLContext

    func shutdownAsync(_ application: Application) async {
        await context.finishNotifying()
    }
}
