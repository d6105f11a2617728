/* rng: PCG32 random streams (O'Neill 2014, "PCG: A Family of Simple Fast Space-Efficient Statistically
 * Good Algorithms for Random Number Generation", the pcg32 XSH-RR variant). A (seed, stream) pair gives an
 * independent, reproducible sequence: worker thread k uses stream k so results depend only on the seed
 * and the thread count.
 */
#ifndef SMP_RNG_H
#define SMP_RNG_H

#include <stdint.h>

typedef struct smp_rng {
    uint64_t state;
    uint64_t inc; /* odd; selects the stream */
} smp_rng;

void smp_rng_init(smp_rng *rng, uint64_t seed, uint64_t stream); /* any seed and stream are valid */
uint32_t smp_rng_u32(smp_rng *rng);                              /* uniform on [0, 2^32) */
double smp_rng_uniform(smp_rng *rng);                            /* uniform on [0,1), 53 bits */
float smp_rng_uniform_f(smp_rng *rng);                           /* uniform on [0,1), 24 bits */
double smp_rng_uniform_open(smp_rng *rng);                       /* uniform on (0,1]: safe for log() */
double smp_rng_normal(smp_rng *rng);                             /* standard normal (Box-Muller) */
uint32_t smp_rng_below(smp_rng *rng, uint32_t bound);            /* uniform on [0, bound), unbiased */

#endif
