#if canImport(Glibc)
import CMalloc
import Glibc
#endif

/// Lets the kernel back flowc's heap with transparent huge pages (2 MiB instead of 4 KiB).
///
/// Checking a flow allocates its whole model, tens of megabytes for a large one, in small
/// blocks: with 4 KiB pages that is a page fault for every page, and the checks' walks over
/// the model miss the TLB at almost every element (costly on a virtual machine). At 10,000
/// elements huge pages took `flowc check` from 62 to 51 ms (bench/RESULTS.md).
///
/// In the kernel's default THP mode (`madvise`) only memory marked `MADV_HUGEPAGE` gets huge
/// pages, and glibc grows its heap in small steps that would each be unmarked. So the heap is
/// grown once, by `reserve` bytes, large blocks are kept in it rather than in mappings of
/// their own, and the grown part is marked. Memory is committed only where it is touched.
/// Where the kernel has no huge pages the advice fails or is ignored and nothing changes.
enum HugePageHeap {
    /// How far the heap grows at once; also the largest block taken from the heap (glibc's
    /// upper limit for that on 64-bit systems).
    static let reserve: Int32 = 32 << 20

    /// Grows and marks the heap; call it first thing, on the main thread (other threads
    /// allocate from arenas of their own).
    /// - Returns: the marked address range, or `nil` if nothing was marked.
    @discardableResult
    static func prepare() -> Range<UInt>? {
        #if canImport(Glibc)
        let hugePage: UInt = 2 << 20
        // Blocks up to `reserve` from the heap; grow it by `reserve` beyond what a block needs;
        // give memory back to the system only when twice that is free at the top.
        guard mallopt(M_MMAP_THRESHOLD, reserve) == 1, mallopt(M_TOP_PAD, reserve) == 1,
              mallopt(M_TRIM_THRESHOLD, 2 * reserve) == 1 else { return nil }
        // A block grows the heap by itself and the pad; freed, it joins the free top, from
        // which the next allocations come.
        guard let block = malloc(1 << 20) else { return nil }
        let start = UInt(bitPattern: block)
        free(block)
        let end = UInt(bitPattern: sbrk(0))
        // Only whole, aligned huge pages can be huge.
        let first = (start + hugePage - 1) & ~(hugePage - 1)
        guard end > first, madvise(UnsafeMutableRawPointer(bitPattern: first), Int(end - first), MADV_HUGEPAGE) == 0 else { return nil }
        return first..<end
        #else
        return nil
        #endif
    }
}
