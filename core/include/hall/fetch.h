/* hall/fetch.h: asset fetch timings that the controller (serve) and the kiosk must agree on
 * (docs/protocol.md "fetch"). They live here, not in two comments, so that a change to one
 * side that breaks the other fails the build.
 *
 * Every chunk of an asset goes to everyone subscribed to its topic, and a kiosk subscribes
 * before it fetches. serve skips a fetch from offset o when a stream of that asset from o or
 * earlier started less than HALL_FETCH_COALESCE_MS ago: a fleet fetching one pack costs one
 * stream, not one per kiosk. A kiosk whose subscription came after the head of such a stream
 * passed gets only its tail, and asks again no sooner than HALL_FETCH_AFTER_STREAM_MS after
 * that stream's first chunk reached it; so that second ask must fall outside serve's window,
 * or it is skipped too and the kiosk waits for its fetch timeout (bench/propagation, N=200:
 * p99 12 s with a 2 s window, 1.9 s with 0.5 s, 4.9 s with none). */
#ifndef HALL_FETCH_H
#define HALL_FETCH_H

/* serve: a fetch that a stream started less than this long ago carries is skipped. */
#define HALL_FETCH_COALESCE_MS 500

/* Kiosk: a stream that stops while the asset is incomplete: ask after HALL_FETCH_QUIET_MS
 * without a chunk, or after twice the longest wait for a chunk since this kiosk's last
 * request (or the job's start) when that is longer: a broker fanning a stream out to a
 * large fleet hands each kiosk a chunk only every second or so, and a kiosk that asked at
 * every such pause made the controller stream again and the fan-out slower still. */
#define HALL_FETCH_QUIET_MS 750

/* Kiosk: a stream that reached the asset's end while bytes before it are missing (this
 * kiosk subscribed after its head passed) will bring nothing more: ask once the chunks in
 * flight are in (HALL_FETCH_TAIL_MS after the last) and serve no longer counts that stream
 * as carrying the request (HALL_FETCH_AFTER_STREAM_MS after its first chunk arrived here;
 * that stream started before its first chunk reached this kiosk, so this is later than
 * HALL_FETCH_COALESCE_MS after the stream's start on serve's clock). */
#define HALL_FETCH_TAIL_MS 100
#define HALL_FETCH_AFTER_STREAM_MS 600

_Static_assert(HALL_FETCH_COALESCE_MS < HALL_FETCH_AFTER_STREAM_MS,
               "serve's fetch coalescing window must stay below the kiosk's wait after a stream");

#endif
