import CompeteApp
import NIOCore
import NIOPosix

/// The executable's entry point; everything else lives in CompeteApp. `@main` rather than a
/// main.swift: top-level code would pick ParsableCommand's synchronous `main()`, which cannot run
/// async commands.
@main
enum MiniCompeteMain {
    static func main() async {
        // Tasks run on SwiftNIO's event loops, the threads that do their I/O, instead of hopping
        // to Swift's own pool at every await (docs/architecture.md, CompeteApp). First, before
        // anything async; if it cannot be installed, the default executor serves as before.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await MiniCompeteCommand.main()
    }
}
