/// Which of a pool's slots the next command takes. Slot `i` belongs to event loop
/// `i mod loops`: a command from a task running on a loop takes that loop's own slots in turn
/// (its connection's I/O then stays on the caller's thread); any other caller, or a loop with
/// no slot of its own (fewer slots than loops), takes every slot in turn.
struct SlotTurns: Sendable {
    let slots: Int
    let loops: Int
    private var next = 0
    private var nextOnLoop: [Int]

    init(slots: Int, loops: Int) {
        precondition(slots > 0, "a pool has at least one slot")
        self.slots = slots
        self.loops = max(loops, 1)
        nextOnLoop = Array(repeating: 0, count: self.loops)
    }

    /// The next slot for a caller on loop `here` (its index among the group's loops), or nil
    /// for a caller that is not on one of them.
    mutating func next(onLoop here: Int?) -> Int {
        if loops > 1, let here, here < min(slots, loops) {
            let own = (slots - here + loops - 1) / loops
            let turn = nextOnLoop[here] % own
            nextOnLoop[here] = turn + 1
            return here + turn * loops
        }
        let index = next
        next = (index + 1) % slots
        return index
    }
}
