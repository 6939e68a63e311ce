/**
 * Fills this origin's real storage quota under the key `filler`, but for
 * about `room` characters: how a page's other data leaves a save too little.
 */
export function fillStorageBut(room: number): void {
  let filler = 'x'.repeat(1 << 20);
  let stored = '';
  while (filler.length > 1000) {
    try {
      localStorage.setItem('filler', stored + filler);
      stored += filler;
    } catch {
      filler = filler.slice(filler.length >> 1);
    }
  }
  localStorage.setItem('filler', stored.slice(0, -room));
}
