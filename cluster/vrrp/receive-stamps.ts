// The kernel's receive time of the advert a transport has just read, so
// that the Master_Down_Timer runs from when the advert arrived rather than
// from when the event loop got to it (0.1 to 0.45 ms later in the lab, a
// whole millisecond under load). Neither raw-socket nor node:dgram gives
// its socket's descriptor: the addon finds it as the one socket of the
// transport's kind that opening it added (the opening runs on this thread,
// so no other can appear meanwhile), then reads each packet's stamp
// (SIOCGSTAMPNS). Without the addon, or if the socket cannot be told
// apart, there is no stamp and the timer runs from the read.

import { nativeNet, type NativeNet } from './native-net.ts';

export class ReceiveStamps {
  readonly #native: NativeNet | undefined = nativeNet();
  /** This process's sockets of the transport's kind. */
  readonly #list: (n: NativeNet) => number[];
  #before: number[] = [];
  #fd = -1;

  constructor(list: (n: NativeNet) => number[]) {
    this.#list = list;
  }

  #fds(): number[] {
    if (this.#native === undefined) return [];
    try {
      return this.#list(this.#native);
    } catch {
      return [];
    }
  }

  /** Just before the transport opens its socket. */
  beforeOpen(): void {
    this.#before = this.#fds();
  }

  /** Just after: the new socket is found, and stamping turned on (the first stamp request does it). */
  afterOpen(): void {
    const added = this.#fds().filter((fd) => !this.#before.includes(fd));
    this.#before = [];
    this.#fd = added.length === 1 ? added[0]! : -1;
    if (this.#fd >= 0) this.#native!.receiveAge(this.#fd);
  }

  /** The socket is closed: its descriptor may be another file's from now on. */
  closed(): void {
    this.#fd = -1;
  }

  /** How many ms ago the kernel received the packet just read; undefined when unknown. */
  age(): number | undefined {
    return this.#fd >= 0 ? this.#native!.receiveAge(this.#fd) : undefined;
  }
}
