/**
 * Sorting node (or edge) indices by a number each, ties by index: the layered layout's ranks
 * (layout.ts) and the spatial index's lists (spatial.ts). Pure, tested under Node.
 */

/** By key, then by index (a total order, so any correct sort gives the one result). */
function insertionSort(members: Int32Array, a: number, b: number, key: Float64Array): void {
  for (let k = a + 1; k < b; k++) {
    const i = members[k];
    let m = k - 1;
    while (m >= a && (key[members[m]] > key[i] || (key[members[m]] === key[i] && members[m] > i))) {
      members[m + 1] = members[m];
      m--;
    }
    members[m + 1] = i;
  }
}

const RUN = 16;

/**
 * Sorts members[a, b) by key, then index: insertion sort in runs of RUN (most ranks of a long tape
 * hold a few nodes), then bottom-up merges through `scratch` (at least b long). Comparisons are
 * inline: Array.prototype.sort's comparator calls were most of a 10,000-node layout (and of the
 * spatial index built in idle time after the first frame).
 */
export function sortByKey(members: Int32Array, a: number, b: number, key: Float64Array, scratch: Int32Array): void {
  // Most ranks keep their order from one sweep to the next (and most nodes start in index order): one look says so.
  let sorted = true;
  for (let k = a + 1; k < b && sorted; k++) {
    const p = members[k - 1], q = members[k];
    sorted = key[p] < key[q] || (key[p] === key[q] && p < q);
  }
  if (sorted) return;
  for (let s = a; s < b; s += RUN) insertionSort(members, s, Math.min(s + RUN, b), key);
  if (b - a <= RUN) return;
  let src = members, dst = scratch;
  for (let w = RUN; w < b - a; w *= 2) {
    for (let lo = a; lo < b; lo += 2 * w) {
      const mid = Math.min(lo + w, b), hi = Math.min(lo + 2 * w, b);
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        const p = src[i], q = src[j];
        if (key[q] < key[p] || (key[q] === key[p] && q < p)) { dst[k++] = q; j++; }
        else { dst[k++] = p; i++; }
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== members) for (let k = a; k < b; k++) members[k] = src[k];
}
