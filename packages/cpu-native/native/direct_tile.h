// The tile kernels of direct.c, included once per instruction set with TILE (the prefix of
// their names), TILE_V (floats a vector), TILE_OB and TILE_RB (the forward tile's channels and
// rows), TILE_WOB and TILE_WTB (the weight gradient tile's channels and taps) and TILE_TARGET
// (the functions' target attribute) defined; each tile's accumulators fill the registers of
// that instruction set.
#define TILE_CAT2(a, b) a##b
#define TILE_CAT(a, b) TILE_CAT2(a, b)
#define TILE_VEC TILE_CAT(TILE, _vec)
#define TILE_VEC_U TILE_CAT(TILE, _vec_u)
typedef float TILE_VEC __attribute__((vector_size(TILE_V * sizeof(float))));
typedef float TILE_VEC_U __attribute__((vector_size(TILE_V * sizeof(float)), aligned(4)));
#define TILE_IVEC TILE_CAT(TILE, _ivec)
typedef int TILE_IVEC __attribute__((vector_size(TILE_V * sizeof(int))));

// ob channels from o0 (at most TILE_OB), rows y0 .. y0 + rb - 1, columns x0 .. x0 + TILE_V - 1
// (or to the plane's edge) of one image, from the padded image `pad`.
TILE_TARGET static void TILE_CAT(TILE, _forward)(const Job *j, const float *pad, int64_t o0, int ob, int64_t y0,
                             int rb, int64_t x0, float *y) {
  const ConvGeom *g = j->g;
  TILE_VEC acc[TILE_OB][TILE_RB];
  for (int o = 0; o < TILE_OB; o++) {
    float b = j->bias && o < ob ? j->bias[o0 + o] : 0.0f;
    for (int r = 0; r < TILE_RB; r++) acc[o][r] = (TILE_VEC){0} + b;
  }
  const float *at = pad + y0 * g->sh * j->pw + x0;
  const int64_t down = g->sh * j->pw;
  const float *w = j->packed + (o0 / TILE_OB) * j->k * TILE_OB;
  for (int64_t t = 0; t < j->k; t++, w += TILE_OB) {
    const float *p = at + j->taps[t];
    TILE_VEC a[TILE_RB];
    for (int r = 0; r < TILE_RB; r++) a[r] = *(const TILE_VEC_U *)(p + r * down);
    for (int o = 0; o < TILE_OB; o++)
      for (int r = 0; r < TILE_RB; r++) acc[o][r] += a[r] * w[o];
  }
  int64_t plane = g->oh * g->ow, n = g->ow - x0 < TILE_V ? g->ow - x0 : TILE_V;
  for (int o = 0; o < ob; o++)
    for (int r = 0; r < rb; r++) {
      float *out = y + (o0 + o) * plane + (y0 + r) * g->ow + x0;
      if (n == TILE_V) *(TILE_VEC_U *)out = acc[o][r];
      else memcpy(out, &acc[o][r], n * sizeof(float));
    }
}

// The weight gradient's taps t0 .. t0 + tb - 1 (at most TILE_WTB) for channels o0 .. o0 + ob
// - 1 (at most TILE_WOB) over one image: the output gradient gy [o, oh, gw] (rows padded with
// zeros to whole vectors) times the padded image at each tap's offset, summed over the plane
// into dw [o, k] (a vector of lane sums each, added up at the end).
TILE_TARGET static void TILE_CAT(TILE, _weights)(const Job *j, const float *pad, const float *gy,
                                                 int64_t o0, int ob, int64_t t0, int tb,
                                                 float *dw) {
  const ConvGeom *g = j->g;
  TILE_VEC acc[TILE_WOB][TILE_WTB];
  for (int o = 0; o < TILE_WOB; o++)
    for (int t = 0; t < TILE_WTB; t++) acc[o][t] = (TILE_VEC){0};
  const float *tap[TILE_WTB];
  const float *src[TILE_WOB];
  for (int t = 0; t < TILE_WTB; t++) tap[t] = pad + j->taps[t0 + (t < tb ? t : 0)];
  const int64_t gw = j->gw, down = g->sh * j->pw;
  for (int o = 0; o < TILE_WOB; o++) src[o] = gy + (o0 + (o < ob ? o : 0)) * g->oh * gw;
  const int64_t whole = g->ow / TILE_V * TILE_V;
  // Lanes of the last, partial vector that lie in the plane. Past it the image may hold an
  // infinity, where 0 * inf is NaN: those products are cleared bit by bit, not multiplied.
  TILE_IVEC keep;
  for (int l = 0; l < TILE_V; l++) keep[l] = whole + l < g->ow ? -1 : 0;
  for (int64_t y = 0; y < g->oh; y++) {
    for (int64_t x0 = 0; x0 < whole; x0 += TILE_V) {
      TILE_VEC gv[TILE_WOB];
      for (int o = 0; o < TILE_WOB; o++) gv[o] = *(const TILE_VEC_U *)(src[o] + y * gw + x0);
      for (int t = 0; t < TILE_WTB; t++) {
        TILE_VEC a = *(const TILE_VEC_U *)(tap[t] + y * down + x0);
        for (int o = 0; o < TILE_WOB; o++) acc[o][t] += gv[o] * a;
      }
    }
    if (whole == g->ow) continue;
    TILE_VEC gv[TILE_WOB];
    for (int o = 0; o < TILE_WOB; o++) gv[o] = *(const TILE_VEC_U *)(src[o] + y * gw + whole);
    for (int t = 0; t < TILE_WTB; t++) {
      TILE_VEC a = *(const TILE_VEC_U *)(tap[t] + y * down + whole);
      for (int o = 0; o < TILE_WOB; o++)
        acc[o][t] += (TILE_VEC)((TILE_IVEC)(gv[o] * a) & keep);
    }
  }
  for (int o = 0; o < ob; o++)
    for (int t = 0; t < tb; t++) {
      TILE_VEC_U *to = (TILE_VEC_U *)(dw + ((o0 + o) * j->k + t0 + t) * TILE_V);
      *to += acc[o][t];
    }
}

#undef TILE_VEC
#undef TILE_IVEC
#undef TILE_VEC_U
#undef TILE
#undef TILE_V
#undef TILE_OB
#undef TILE_RB
#undef TILE_WOB
#undef TILE_WTB
#undef TILE_TARGET
