// What actions need from a host: the write side of libvirt. Declared here,
// apart from both sides: src/actions/ uses it, src/libvirt/control.ts
// implements it (opening a read-write connection on first use), and tests
// pass a recording fake.

export interface ChangeScope {
  /** apply to the running guest */
  live: boolean;
  /** also persist to the domain's configuration */
  config: boolean;
}

export interface HostControl {
  readonly uri: string;
  start(uuid: string): Promise<void>;
  shutdown(uuid: string): Promise<void>;
  reboot(uuid: string): Promise<void>;
  destroy(uuid: string): Promise<void>;
  suspend(uuid: string): Promise<void>;
  resume(uuid: string): Promise<void>;
  setMemory(uuid: string, kib: number, scope: ChangeScope): Promise<void>;
  setVcpus(uuid: string, count: number, scope: ChangeScope): Promise<void>;
  setMemoryStatsPeriod(uuid: string, seconds: number): Promise<void>;
  /** start with the host (virsh autostart), or not */
  setAutostart(uuid: string, on: boolean): Promise<void>;
  close(): Promise<void>;
}
