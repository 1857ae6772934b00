// Child process for the directory-lock test: opens the store, writes one block, says "open <pid>",
// then holds the store open until it is killed (or told to close on stdin).
import { openStore } from '../store.ts'

const dir = process.argv[2]
if (!dir) throw new Error('usage: lock-child.ts <dir>')
const store = openStore(dir)
await store.apply(store.latestVersion + 1, [{ key: new Uint8Array(32).fill(7), value: new Uint8Array([1, 2, 3]) }])
process.stdout.write(`open ${process.pid}\n`)
process.stdin.on('data', async () => {
  await store.close()
  process.stdout.write('closed\n')
  process.exit(0)
})
