// swift-tools-version:6.1
import PackageDescription

/// The load generator lives in its own package so that the service's build, tests and CI never
/// compile it. Build it with `swift build -c release` here; `scripts/bench` does that for you.
let package = Package(
    name: "mini-compete-benchmarks",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mini-compete-bench", targets: ["mini-compete-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        .executableTarget(
            name: "mini-compete-bench",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
