// `await using` (and `using`) look Symbol.asyncDispose / Symbol.dispose up when they run; Node
// 20 before 20.4 has neither. Imported for its effect by the modules that dispose things.
const symbols = Symbol as unknown as { dispose?: symbol; asyncDispose?: symbol }
symbols.dispose ??= Symbol.for('Symbol.dispose')
symbols.asyncDispose ??= Symbol.for('Symbol.asyncDispose')

export {}
