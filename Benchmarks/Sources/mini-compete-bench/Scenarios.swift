import AsyncHTTPClient

/// The four scenarios of issue 6. Each one measures, then verifies through the API.
struct Scenarios: Sendable {
    let client: APIClient
    let fixtures: Fixtures
    let run: String
    let concurrency: Int
    /// The server and PostgreSQL processes, for CPU accounting.
    let processes: MeasuredProcesses

    /// hot: one competition with a seat for everyone, `count` participants registering once each.
    /// With `form` ("hot-form"), the competition asks five questions (RegistrationForm.swift)
    /// and every registration answers them: the price of a form, side by side with hot.
    func hot(count: Int, form: Bool = false) async throws -> (LoadResult, Verification) {
        let name = form ? "hot-form" : "hot"
        let competition = try await client.createCompetitions(
            1, capacity: count, title: "\(name) \(run)", organizer: fixtures.organizer, concurrency: 1,
            questions: form ? BenchForm.questions : nil, rules: form ? BenchForm.rules : nil
        )[0]
        let result = try await register(name, count: count, body: form ? BenchForm.answers : nil) { _ in competition }
        var verification = Verification()
        verification.expect("answers 201", result.count("201"), equals: count)
        verification.expect("registeredCount", try await client.registeredCount(competition), equals: result.count("201"))
        verification.expect("confirmed registrants",
                            try await client.confirmedRegistrants(competition, organizer: fixtures.organizer),
                            equals: result.count("201"))
        return (result, verification)
    }

    /// spread: `count` registrations scattered pseudo-randomly over the given competitions, each
    /// with room for all of them.
    func spread(count: Int, over competitions: [String]) async throws -> (LoadResult, Verification) {
        let slot: @Sendable (Int) -> Int = { Self.scatter($0) % competitions.count }
        let result = try await register("spread", count: count) { competitions[slot($0)] }
        var expected = [Int](repeating: 0, count: competitions.count)
        for index in 0..<count { expected[slot(index)] += 1 }
        let actual = try await parallelMap(competitions.count, concurrency: concurrency) { index in
            (try await client.registeredCount(competitions[index]),
             try await client.confirmedRegistrants(competitions[index], organizer: fixtures.organizer))
        }
        var verification = Verification()
        verification.expect("answers 201", result.count("201"), equals: count)
        verification.expect("sum of registeredCount", actual.map(\.0).reduce(0, +), equals: result.count("201"))
        verification.expect("sum of confirmed registrants", actual.map(\.1).reduce(0, +), equals: result.count("201"))
        verification.expect("competitions whose count differs from the requests sent to it",
                            zip(actual, expected).filter { $0.0.0 != $0.1 || $0.0.1 != $0.1 }.count, equals: 0)
        return (result, verification)
    }

    /// full: `attempts` participants race for `capacity` seats.
    func full(attempts: Int, capacity: Int) async throws -> (LoadResult, Verification) {
        let competition = try await client.createCompetitions(
            1, capacity: capacity, title: "Full \(run)", organizer: fixtures.organizer, concurrency: 1
        )[0]
        let result = try await register("full", count: attempts) { _ in competition }
        var verification = Verification()
        verification.expect("answers 201", result.count("201"), equals: capacity)
        verification.expect("answers 409 competition_full", result.count("409 competition_full"), equals: attempts - capacity)
        verification.expect("registeredCount", try await client.registeredCount(competition), equals: capacity)
        verification.expect("confirmed registrants",
                            try await client.confirmedRegistrants(competition, organizer: fixtures.organizer),
                            equals: capacity)
        return (result, verification)
    }

    /// read: pages of 20 of the competition list, and single competitions.
    func read(count: Int, competitions: [String]) async throws -> [(LoadResult, Verification)] {
        let pages = max(1, competitions.count / 20)
        try await warmUp()
        let list = await runLoad(
            "read-list", client: client, count: count, concurrency: concurrency, processes: processes
        ) { index in
            try client.request(.GET, "/competitions?page=\(1 + Self.scatter(index) % pages)&limit=20")
        }
        try await warmUp()
        let one = await runLoad(
            "read-one", client: client, count: count, concurrency: concurrency, processes: processes
        ) { index in
            try client.request(.GET, "/competitions/\(competitions[Self.scatter(index) % competitions.count])")
        }
        return [list, one].map { result in
            var verification = Verification()
            verification.expect("answers 200", result.count("200"), equals: count)
            return (result, verification)
        }
    }

    /// Registration `index` is participant `index` with its own Idempotency-Key.
    private func register(
        _ name: String, count: Int, body: BenchForm.Body? = nil, competition: @escaping @Sendable (Int) -> String
    ) async throws -> LoadResult {
        guard count <= fixtures.participants.count else {
            throw BenchError(description: "\(name) needs \(count) participants, only \(fixtures.participants.count) exist")
        }
        try await warmUp()
        let participants = fixtures.participants
        let run = self.run
        return await runLoad(
            name, client: client, count: count, concurrency: concurrency, processes: processes
        ) { index in
            try client.request(
                .POST, "/competitions/\(competition(index))/register", token: participants[index].token,
                headers: [("Idempotency-Key", "bench-\(run)-\(name)-\(index)")], json: body
            )
        }
    }

    /// Opens every keep-alive connection before timing starts.
    private func warmUp() async throws {
        let result = await runLoad("warm-up", client: client, count: concurrency * 4, concurrency: concurrency) { _ in
            try client.request(.GET, "/health")
        }
        guard result.count("200") == result.requests else {
            throw BenchError(description: "warm-up failed: \(result.outcomes)")
        }
    }

    /// A fixed pseudo-random spread of indices (SplitMix64), the same in every run.
    static func scatter(_ index: Int) -> Int {
        var z = UInt64(truncatingIfNeeded: index) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
    }
}
