//! The process's allocator: mimalloc instead of glibc malloc.
//!
//! The HTTP front's profile had a fifth of its CPU in glibc `malloc`/`free` (arenas shared
//! by the worker threads); with mimalloc the gateway's CPU per call at 64 HTTP sessions fell
//! by about a fifth (docs/benchmarks.md, "Latest full run"). mimalloc commits its arenas eagerly by
//! default, which cost ≈ 6 MiB of idle RSS and doubled the memory per idle session, so
//! [`configure`] turns that off before anything much is allocated.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_arena_eager_commit` in mimalloc v3's `mi_option_e` (`mimalloc.h`); the
/// bindings name no constant for it. libmimalloc-sys is pinned with `=` so a new mimalloc
/// (where the enum may move) is a deliberate upgrade that re-checks this number.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// Runs from the ELF `.init_array`, before `main` and before Rust's runtime allocates: the
/// first arena is reserved at the first allocation, and the option only applies to arenas
/// reserved after it is set.
#[used]
#[unsafe(link_section = ".init_array")]
static CONFIGURE: extern "C" fn() = configure;

extern "C" fn configure() {
    // SAFETY: mi_option_set only stores an integer in mimalloc's option table (initialising
    // the table first if needed); 0 is a legal value of this option.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
}
