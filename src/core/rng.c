#include "core/rng.h"

#include <assert.h>
#include <math.h>

#define PCG_MULT 6364136223846793005ULL

void smp_rng_init(smp_rng *rng, uint64_t seed, uint64_t stream)
{
    assert(rng);
    /* pcg32_srandom_r: the stream picks the increment, two steps mix the seed in. */
    rng->state = 0u;
    rng->inc = (stream << 1u) | 1u;
    smp_rng_u32(rng);
    rng->state += seed;
    smp_rng_u32(rng);
}

uint32_t smp_rng_u32(smp_rng *rng)
{
    uint64_t old = rng->state;
    rng->state = old * PCG_MULT + rng->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

double smp_rng_uniform(smp_rng *rng)
{
    uint64_t hi = smp_rng_u32(rng) >> 5; /* 27 bits */
    uint64_t lo = smp_rng_u32(rng) >> 6; /* 26 bits */
    return (double)((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

float smp_rng_uniform_f(smp_rng *rng)
{
    return (float)(smp_rng_u32(rng) >> 8) * (1.0f / 16777216.0f);
}

double smp_rng_uniform_open(smp_rng *rng)
{
    return 1.0 - smp_rng_uniform(rng);
}

double smp_rng_normal(smp_rng *rng)
{
    double u1 = smp_rng_uniform_open(rng);
    double u2 = smp_rng_uniform(rng);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2);
}

uint32_t smp_rng_below(smp_rng *rng, uint32_t bound)
{
    /* Lemire-free classic rejection: discard the top partial range so every value is equally likely. */
    uint32_t threshold = (uint32_t)(-bound) % bound;
    for (;;) {
        uint32_t r = smp_rng_u32(rng);
        if (r >= threshold) return r % bound;
    }
}
