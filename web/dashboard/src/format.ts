// Numbers as people read them.

export function bits(bytesPerS: number): string {
  const b = bytesPerS * 8;
  if (b >= 1e9) {
    return `${(b / 1e9).toFixed(2)} Gbit/s`;
  }
  if (b >= 1e6) {
    return `${(b / 1e6).toFixed(1)} Mbit/s`;
  }
  return b >= 1e3 ? `${(b / 1e3).toFixed(1)} kbit/s` : `${b.toFixed(0)} bit/s`;
}

export function bytes(n: number): string {
  if (n >= 2 ** 30) {
    return `${(n / 2 ** 30).toFixed(1)} GiB`;
  }
  if (n >= 2 ** 20) {
    return `${(n / 2 ** 20).toFixed(1)} MiB`;
  }
  return n >= 2 ** 10 ? `${(n / 2 ** 10).toFixed(0)} KiB` : `${n} B`;
}

export function percent(cores: number): string {
  return `${(cores * 100).toFixed(1)}%`;
}

export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}
