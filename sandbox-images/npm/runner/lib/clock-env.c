/* The time view's second preload, listed before libfaketime in /etc/ld.so.preload so that it is initialised
 * after it: libfaketime (0.9.10) puts FAKETIME_SHARED (its shared-memory handle) into the environment of
 * every process, where a package could see it; this takes it out again. Each process then keeps its own
 * clock (the offsets are relative to the real clock, so they still agree to within the speed-up). */
#include <stdlib.h>

__attribute__((constructor)) static void airlock_hide_clock(void) { unsetenv("FAKETIME_SHARED"); }
