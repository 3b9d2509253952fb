import CompeteApp
import NIOCore
import NIOPosix

/// The executable's entry point; everything else lives in CompeteApp. `@main` rather than a
/// main.swift: top-level code would pick ParsableCommand's synchronous `main()`, which cannot run
/// async commands.
@main
enum MiniCompeteMain {
    static func main() async {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await MiniCompeteCommand.main()
    }
}
