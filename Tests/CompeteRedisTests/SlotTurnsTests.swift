@testable import CompeteRedis
import Testing

/// A command sent from an event loop takes that loop's own connections in turn; anyone else
/// takes them all in turn.
@Suite struct SlotTurnsTests {
    @Test func eachLoopTakesItsOwnSlotsInTurn() {
        var turns = SlotTurns(slots: 5, loops: 2)
        #expect((0..<4).map { _ in turns.next(onLoop: 0) } == [0, 2, 4, 0])
        #expect((0..<3).map { _ in turns.next(onLoop: 1) } == [1, 3, 1])
        #expect((0..<6).map { _ in turns.next(onLoop: nil) } == [0, 1, 2, 3, 4, 0])
    }

    @Test func aLoopWithoutSlotsOfItsOwnSharesThemAll() {
        var turns = SlotTurns(slots: 1, loops: 2)
        #expect((0..<3).map { _ in turns.next(onLoop: 1) } == [0, 0, 0])
        var three = SlotTurns(slots: 2, loops: 3)
        #expect((0..<3).map { _ in three.next(onLoop: 2) } == [0, 1, 0])
        #expect((0..<2).map { _ in three.next(onLoop: 1) } == [1, 1])
    }
}
