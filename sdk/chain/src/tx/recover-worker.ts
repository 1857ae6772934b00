// Worker side of the sender-recovery pool: recovers a batch of (digest, signature) pairs with the
// native secp256k1 binding. Failures come back as an all-zero address plus a flag, never a throw,
// so one bad signature cannot fail its whole batch.
import { parentPort } from 'node:worker_threads'
import { recoverAddress } from '@spnkit/crypto'

type Request = { id: number; digests: Uint8Array; signatures: Uint8Array; count: number } | { close: true }

// Tell the pool this worker finished loading: terminating a worker mid-load can abort V8.
parentPort!.postMessage({ ready: true })

parentPort!.on('message', (req: Request) => {
  // Exit by letting the event loop drain (worker.terminate() while V8 still compiles WASM in the
  // background can abort the whole process).
  if ('close' in req) return parentPort!.close()
  const addresses = new Uint8Array(req.count * 20)
  const ok = new Uint8Array(req.count)
  for (let i = 0; i < req.count; i++) {
    try {
      const addr = recoverAddress(
        req.digests.subarray(i * 32, i * 32 + 32),
        req.signatures.subarray(i * 65, i * 65 + 65),
      )
      addresses.set(addr, i * 20)
      ok[i] = 1
    } catch {
      ok[i] = 0
    }
  }
  parentPort!.postMessage({ id: req.id, addresses, ok }, [addresses.buffer, ok.buffer])
})
