// The WebAssembly JavaScript API, as far as flopmeter uses it. TypeScript ships
// these only in its DOM and web-worker libraries, which do not apply to Node.js.
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: BufferSource);
  }
  type ExportValue = ((...args: never[]) => unknown) | Memory | unknown;
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, ExportValue>;
  }
  function validate(bytes: BufferSource): boolean;
}
