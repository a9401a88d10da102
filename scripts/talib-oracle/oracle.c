/*
 * TA-Lib oracle: runs ONE TA-Lib function over a CSV series and prints its outputs, one row per
 * input row, "nan" where TA-Lib outputs nothing (the indices before outBegIdx). The indicator
 * tests compare data/features/indicators against these numbers (see README.md here).
 *
 * Usage:  oracle INPUT.csv FUNCTION [PARAM ...]  > out.csv
 *   INPUT.csv: a header line, then rows "high,low,close,volume" (numbers only).
 *   FUNCTION PARAM: SMA n | EMA n | WMA n | RSI n | MACD fast slow signal | BBANDS n devUp devDn |
 *                   ATR n | TRANGE | STOCH fastK slowK slowD | OBV | ROC n | STDDEV n | VAR n
 *   Single-input functions read the close column. STOCH uses SMA for slow %K and %D.
 *
 * Always called with startIdx = 0 and endIdx = rows - 1: TA-Lib's seeding (EMA, MACD, RSI, ATR)
 * depends on startIdx, and 0 is the "whole series" case the TypeScript code reproduces.
 * The double-precision API (TA_*, not TA_S_*) is used, so no float intermediates are involved.
 * Values are printed with %.17g, which round-trips a double exactly.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ta_libc.h"

static double *high, *low, *close_, *volume;
static int rows;

static void die(const char *msg) {
  fprintf(stderr, "oracle: %s\n", msg);
  exit(2);
}

static void read_csv(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) die("cannot open input");
  char line[4096];
  if (!fgets(line, sizeof line, f)) die("empty input");
  int cap = 1024;
  high = malloc(cap * sizeof *high); low = malloc(cap * sizeof *low);
  close_ = malloc(cap * sizeof *close_); volume = malloc(cap * sizeof *volume);
  while (fgets(line, sizeof line, f)) {
    if (rows == cap) {
      cap *= 2;
      high = realloc(high, cap * sizeof *high); low = realloc(low, cap * sizeof *low);
      close_ = realloc(close_, cap * sizeof *close_); volume = realloc(volume, cap * sizeof *volume);
    }
    if (sscanf(line, "%lf,%lf,%lf,%lf", &high[rows], &low[rows], &close_[rows], &volume[rows]) != 4) die("bad row");
    rows++;
  }
  fclose(f);
}

/* Prints k output columns that TA-Lib wrote from outBegIdx on, aligned to the input rows. */
static void print_outputs(int k, const char **names, double **outs, int beg, int nb) {
  for (int j = 0; j < k; j++) printf("%s%s", j ? "," : "", names[j]);
  printf("\n");
  for (int i = 0; i < rows; i++) {
    for (int j = 0; j < k; j++) {
      if (j) printf(",");
      if (i < beg || i >= beg + nb) printf("nan");
      else printf("%.17g", outs[j][i - beg]);
    }
    printf("\n");
  }
}

static int iarg(int argc, char **argv, int i) {
  if (i >= argc) die("missing parameter");
  return atoi(argv[i]);
}

static double darg(int argc, char **argv, int i) {
  if (i >= argc) die("missing parameter");
  return atof(argv[i]);
}

int main(int argc, char **argv) {
  if (argc < 3) die("usage: oracle INPUT.csv FUNCTION [PARAM ...]");
  read_csv(argv[1]);
  if (TA_Initialize() != TA_SUCCESS) die("TA_Initialize failed");
  const char *fn = argv[2];
  int beg = 0, nb = 0;
  TA_RetCode rc;
  double *o1 = calloc(rows + 1, sizeof(double)), *o2 = calloc(rows + 1, sizeof(double)), *o3 = calloc(rows + 1, sizeof(double));
  double *outs[3] = {o1, o2, o3};
  const char *one[1] = {"value"};
  int last = rows - 1;

  if (!strcmp(fn, "SMA")) {
    rc = TA_SMA(0, last, close_, iarg(argc, argv, 3), &beg, &nb, o1);
    print_outputs(1, one, outs, beg, nb);
  } else if (!strcmp(fn, "EMA")) {
    rc = TA_EMA(0, last, close_, iarg(argc, argv, 3), &beg, &nb, o1);
    print_outputs(1, one, outs, beg, nb);
  } else if (!strcmp(fn, "WMA")) {
    rc = TA_WMA(0, last, close_, iarg(argc, argv, 3), &beg, &nb, o1);
    print_outputs(1, one, outs, beg, nb);
  } else if (!strcmp(fn, "RSI")) {
    rc = TA_RSI(0, last, close_, iarg(argc, argv, 3), &beg, &nb, o1);
    print_outputs(1, one, outs, beg, nb);
  } else if (!strcmp(fn, "MACD")) {
    const char *names[3] = {"macd", "signal", "hist"};
    rc = TA_MACD(0, last, close_, iarg(argc, argv, 3), iarg(argc, argv, 4), iarg(argc, argv, 5), &beg, &nb, o1, o2, o3);
    print_outputs(3, names, outs, beg, nb);
  } else if (!strcmp(fn, "BBANDS")) {
    const char *names[3] = {"upper", "middle", "lower"};
    rc = TA_BBANDS(0, last, close_, iarg(argc, argv, 3), darg(argc, argv, 4), darg(argc, argv, 5), TA_MAType_SMA, &beg, &nb, o1, o2, o3);
    print_outputs(3, names, outs, beg, nb);
  } else if (!strcmp(fn, "ATR")) {
    rc = TA_ATR(0, last, high, low, close_, iarg(argc, argv, 3), &beg, &nb, o1);
    print_outputs(1, one, outs, beg, nb);
  } else if (!strcmp(fn, "TRANGE")) {
    rc = TA_TRANGE(0, last, high, low, close_, &beg, &nb, o1);
    print_outputs(1, one, outs, beg, nb);
  } else if (!strcmp(fn, "STOCH")) {
    const char *names[2] = {"k", "d"};
    rc = TA_STOCH(0, last, high, low, close_, iarg(argc, argv, 3), iarg(argc, argv, 4), TA_MAType_SMA,
                  iarg(argc, argv, 5), TA_MAType_SMA, &beg, &nb, o1, o2);
    print_outputs(2, names, outs, beg, nb);
  } else if (!strcmp(fn, "OBV")) {
    rc = TA_OBV(0, last, close_, volume, &beg, &nb, o1);
    print_outputs(1, one, outs, beg, nb);
  } else if (!strcmp(fn, "ROC")) {
    rc = TA_ROC(0, last, close_, iarg(argc, argv, 3), &beg, &nb, o1);
    print_outputs(1, one, outs, beg, nb);
  } else if (!strcmp(fn, "STDDEV")) {
    rc = TA_STDDEV(0, last, close_, iarg(argc, argv, 3), 1.0, &beg, &nb, o1);
    print_outputs(1, one, outs, beg, nb);
  } else if (!strcmp(fn, "VAR")) {
    rc = TA_VAR(0, last, close_, iarg(argc, argv, 3), 1.0, &beg, &nb, o1);
    print_outputs(1, one, outs, beg, nb);
  } else {
    die("unknown function");
    return 2;
  }
  if (rc != TA_SUCCESS) {
    fprintf(stderr, "oracle: %s returned TA_RetCode %d\n", fn, (int)rc);
    return 1;
  }
  TA_Shutdown();
  return 0;
}
