// The action's entry point: main and post are the same bundle (see src/main.ts).
import { run } from './main.js'

await run()
