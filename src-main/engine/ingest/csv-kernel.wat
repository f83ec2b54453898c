;; The CSV importer's hot loops in WebAssembly (SIMD): finding the fields of
;; plain records, parsing a column of plain decimal numbers or ISO dates,
;; coding a string column's fields, a numeric column's running statistics
;; and its final pass. The first four do only the common case and stop at anything else,
;; leaving it to the JavaScript code (tokenizer.ts, infer.ts), which then
;; goes on; the others do what running-stats.ts addBucketed and stats.ts
;; finalPass do, operation for operation. So the outcome is the JavaScript
;; code's in every case.
;;
;; Assembled by scripts/build-wasm.mjs (wabt) into csv-kernel-wasm.ts; a unit
;; test checks that the committed bytes are this text's.
;;
;; Memory: the caller lays it out (csv-kernel.ts). Bytes 0-63 hold results
;; (0: scan's stop offset, 4: dict's count, 0-23: running's sums),
;; bytes 64-191 the doubles 1e0 ... 1e15 (written by the caller). A byte
;; range that is scanned must be followed by 16 readable bytes.
(module
  (memory (export "memory") 1)

;; scan: whole plain records from buf+pos up to buf+end. A plain record is
  ;; `ncols` fields separated by `delim` and ended by LF or CRLF, with no
  ;; line break inside quotes; a field is plain when unquoted, or quoted
  ;; with no doubled quote inside and nothing between its closing quote and
  ;; the next delimiter or line end. For each record's fields, writes
  ;; [start, end) (offsets from buf; inside the quotes for a quoted field)
  ;; into the int32 arrays at `starts`/`ends` and the flag (0 plain, 1
  ;; quoted) into the byte array at `flags`, from record index `nrec` on, as
  ;; tokenizer.ts does; stops after `room` records, at the first record that
  ;; is not plain (a blank line, a lone CR, a raw field, too few or too many
  ;; fields) or at one that the data does not finish. Returns the records
  ;; taken and stores the stop offset (the start of the first record not
  ;; taken) at address 0.
  (func (export "scan")
    (param $buf i32) (param $pos i32) (param $end i32) (param $delim i32) (param $quote i32)
    (param $ncols i32) (param $room i32) (param $starts i32) (param $ends i32) (param $flags i32) (param $nrec i32)
    (result i32)
    (local $i i32) (local $lim i32) (local $bits i32) (local $q i32) (local $c i32) (local $c2 i32)
    (local $rec i32) (local $fs i32) (local $f i32) (local $last i32)
    (local $o i32) (local $fo i32) (local $taken i32) (local $left i32) (local $eol i32)
    (local $inq i32) (local $qs i32) (local $qe i32) (local $s i32) (local $e i32) (local $flag i32)
    (local $vd v128) (local $vq v128) (local $v v128)
    (local.set $vd (i8x16.splat (local.get $delim)))
    (local.set $vq (i8x16.splat (local.get $quote)))
    (local.set $rec (i32.add (local.get $buf) (local.get $pos)))
    (local.set $fs (local.get $rec))
    (local.set $qs (i32.const -1))
    (local.set $i (local.get $rec))
    (local.set $lim (i32.add (local.get $buf) (local.get $end)))
    (local.set $last (i32.sub (local.get $ncols) (i32.const 1)))
    ;; $o: the field index (in the flat arrays) of the current record's field 0
    (local.set $o (i32.mul (local.get $nrec) (local.get $ncols)))
    (block $done
      (br_if $done (i32.le_s (local.get $room) (i32.const 0)))
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $i) (local.get $lim)))
        (local.set $v (v128.load (local.get $i)))
        (local.set $bits
          (i8x16.bitmask
            (v128.or
              (v128.or (i8x16.eq (local.get $v) (local.get $vd)) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 10))))
              (v128.or (i8x16.eq (local.get $v) (local.get $vq)) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 13)))))))
        ;; the last block: only the bytes before $lim
        (local.set $left (i32.sub (local.get $lim) (local.get $i)))
        (if (i32.lt_u (local.get $left) (i32.const 16))
          (then (local.set $bits (i32.and (local.get $bits)
            (i32.sub (i32.shl (i32.const 1) (local.get $left)) (i32.const 1))))))
        (block $next
          (loop $each
            (br_if $next (i32.eqz (local.get $bits)))
            (local.set $q (i32.add (local.get $i) (i32.ctz (local.get $bits))))
            (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
            (local.set $c (i32.load8_u (local.get $q)))
            (if (local.get $inq)
              (then
                (if (i32.eq (local.get $c) (local.get $quote))
                  (then
                    ;; the closing quote, unless doubled, followed by other text, or the last byte of the data
                    (br_if $done (i32.ge_u (i32.add (local.get $q) (i32.const 1)) (local.get $lim)))
                    (local.set $c2 (i32.load8_u (i32.add (local.get $q) (i32.const 1))))
                    (br_if $done (i32.eqz (i32.or (i32.or (i32.eq (local.get $c2) (local.get $delim))
                      (i32.eq (local.get $c2) (i32.const 10))) (i32.eq (local.get $c2) (i32.const 13)))))
                    (local.set $inq (i32.const 0))
                    (local.set $qe (local.get $q))
                    (br $each)))
                ;; a line break inside quotes is not plain; a delimiter there is text
                (br_if $done (i32.ne (local.get $c) (local.get $delim)))
                (br $each)))
            (if (i32.eq (local.get $c) (local.get $quote))
              (then
                ;; a quote opens a field only at its start; elsewhere it is text
                (if (i32.eq (local.get $q) (local.get $fs))
                  (then
                    (local.set $inq (i32.const 1))
                    (local.set $qs (i32.add (local.get $q) (i32.const 1)))))
                (br $each)))
            ;; the field that ends at q: inside its quotes, or all of it
            (local.set $flag (i32.ge_s (local.get $qs) (i32.const 0)))
            (local.set $s (select (local.get $qs) (local.get $fs) (local.get $flag)))
            (local.set $e (select (local.get $qe) (local.get $q) (local.get $flag)))
            (if (i32.eq (local.get $c) (local.get $delim))
              (then
                ;; one field more than the header has: not plain
                (br_if $done (i32.ge_u (local.get $f) (local.get $last)))
                (local.set $fo (i32.shl (i32.add (local.get $o) (local.get $f)) (i32.const 2)))
                (i32.store (i32.add (local.get $starts) (local.get $fo)) (i32.sub (local.get $s) (local.get $buf)))
                (i32.store (i32.add (local.get $ends) (local.get $fo)) (i32.sub (local.get $e) (local.get $buf)))
                (i32.store8 (i32.add (local.get $flags) (i32.add (local.get $o) (local.get $f))) (local.get $flag))
                (local.set $f (i32.add (local.get $f) (i32.const 1)))
                (local.set $fs (i32.add (local.get $q) (i32.const 1)))
                (local.set $qs (i32.const -1))
                (br $each)))
            (if (i32.eq (local.get $c) (i32.const 10))
              (then
                ;; the LF of a CRLF that ended the last record
                (br_if $each (i32.lt_u (local.get $q) (local.get $rec)))
                (local.set $eol (i32.const 1)))
              (else
                ;; a CR is a line end when an LF follows it (CRLF), and not plain when
                ;; alone or when the data ends after it (the JavaScript code decides those)
                (br_if $done (i32.ge_u (i32.add (local.get $q) (i32.const 1)) (local.get $lim)))
                (br_if $done (i32.ne (i32.load8_u (i32.add (local.get $q) (i32.const 1))) (i32.const 10)))
                (local.set $eol (i32.const 2))))
            ;; the record ends at q: a blank line or too few fields are not plain
            (br_if $done (i32.eq (local.get $q) (local.get $rec)))
            (br_if $done (i32.ne (local.get $f) (local.get $last)))
            (local.set $fo (i32.shl (i32.add (local.get $o) (local.get $f)) (i32.const 2)))
            (i32.store (i32.add (local.get $starts) (local.get $fo)) (i32.sub (local.get $s) (local.get $buf)))
            (i32.store (i32.add (local.get $ends) (local.get $fo)) (i32.sub (local.get $e) (local.get $buf)))
            (i32.store8 (i32.add (local.get $flags) (i32.add (local.get $o) (local.get $f))) (local.get $flag))
            (local.set $taken (i32.add (local.get $taken) (i32.const 1)))
            (local.set $o (i32.add (local.get $o) (local.get $ncols)))
            (local.set $f (i32.const 0))
            (local.set $rec (i32.add (local.get $q) (local.get $eol)))
            (local.set $fs (local.get $rec))
            (local.set $qs (i32.const -1))
            (br_if $done (i32.ge_s (local.get $taken) (local.get $room)))
            (br $each)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    (i32.store (i32.const 0) (i32.sub (local.get $rec) (local.get $buf)))
    (local.get $taken))

    ;; num: parses column j of records [from, n) as plain decimal numbers
  ;; ("-"? digits ("." digits)?, 1 to 15 digits in all; `dec` is the decimal
  ;; byte) into `out`, exactly as values.ts fastNumber does: the digits as
  ;; an integer, divided by 10^(digits after the point). mode 0: float64 out,
  ;; any such number; 1: int32 out, integers in int32's range only; 2:
  ;; float64 out, integers only. Returns the first record it did not parse
  ;; (n when it parsed them all): a raw field (flag 2) or any other text.
  ;;
  ;; A field's (at most 16) bytes are checked and turned into digits in one
  ;; vector: the digits, the point left out, are moved to the right end by a
  ;; swizzle and summed pairwise (x10, x100, x10^4) into two 8-digit halves.
  (func (export "num")
    (param $buf i32) (param $starts i32) (param $ends i32) (param $flags i32) (param $ncols i32) (param $j i32)
    (param $from i32) (param $n i32) (param $out i32) (param $dec i32) (param $mode i32)
    (result i32)
    (local $r i32) (local $idx i32) (local $p i32) (local $len i32) (local $neg i32)
    (local $dm i32) (local $ndot i32) (local $nd i32) (local $k i32) (local $frac i32)
    (local $v f64) (local $mant i64)
    (local $x v128) (local $d v128) (local $in v128) (local $sel v128) (local $t v128)
    (local $vdec v128) (local $iota v128)
    (local.set $vdec (i8x16.splat (local.get $dec)))
    (local.set $iota (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15))
    (local.set $r (local.get $from))
    (block $stop
      (loop $rows
        (br_if $stop (i32.ge_s (local.get $r) (local.get $n)))
        (local.set $idx (i32.add (i32.mul (local.get $r) (local.get $ncols)) (local.get $j)))
        (br_if $stop (i32.eq (i32.load8_u (i32.add (local.get $flags) (local.get $idx))) (i32.const 2)))
        (local.set $p (i32.add (local.get $buf) (i32.load (i32.add (local.get $starts) (i32.shl (local.get $idx) (i32.const 2))))))
        (local.set $len (i32.sub
          (i32.add (local.get $buf) (i32.load (i32.add (local.get $ends) (i32.shl (local.get $idx) (i32.const 2)))))
          (local.get $p)))
        ;; a leading minus, without a branch (signs are random in many columns);
        ;; the byte at p is readable even for an empty field
        (local.set $neg (i32.and
          (i32.eq (i32.load8_u (local.get $p)) (i32.const 45))
          (i32.gt_s (local.get $len) (i32.const 0))))
        (local.set $p (i32.add (local.get $p) (local.get $neg)))
        (local.set $len (i32.sub (local.get $len) (local.get $neg)))
        ;; 1 to 16 bytes: at most 15 digits and a point
        (br_if $stop (i32.eqz (local.get $len)))
        (br_if $stop (i32.gt_u (local.get $len) (i32.const 16)))
        (local.set $x (v128.load (local.get $p)))
        (local.set $d (i8x16.sub (local.get $x) (i8x16.splat (i32.const 48))))
        (local.set $in (i8x16.lt_u (local.get $iota) (i8x16.splat (local.get $len))))
        (local.set $t (v128.and (i8x16.eq (local.get $x) (local.get $vdec)) (local.get $in)))
        ;; a byte of the field that is neither a digit nor the point
        (br_if $stop (v128.any_true (v128.andnot (local.get $in)
          (v128.or (i8x16.lt_u (local.get $d) (i8x16.splat (i32.const 10))) (local.get $t)))))
        (local.set $dm (i8x16.bitmask (local.get $t)))
        (local.set $ndot (i32.popcnt (local.get $dm)))
        (br_if $stop (i32.gt_u (local.get $ndot) (i32.const 1)))
        (local.set $nd (i32.sub (local.get $len) (local.get $ndot)))
        (br_if $stop (i32.eqz (local.get $nd)))
        (br_if $stop (i32.gt_u (local.get $nd) (i32.const 15)))
        ;; k: the point's place (16: none); frac: digits after it
        (local.set $k (i32.const 16))
        (local.set $frac (i32.const 0))
        (if (local.get $ndot)
          (then
            (local.set $k (i32.ctz (local.get $dm)))
            (local.set $frac (i32.sub (i32.sub (local.get $len) (local.get $k)) (i32.const 1)))))
        ;; lane i of the result takes digit i - (16 - nd), skipping the point; lanes before the first digit get 0
        (local.set $sel (i8x16.sub (local.get $iota) (i8x16.splat (i32.sub (i32.const 16) (local.get $nd)))))
        (local.set $sel (i8x16.sub (local.get $sel) (i8x16.ge_s (local.get $sel) (i8x16.splat (local.get $k)))))
        (local.set $t (i8x16.swizzle (local.get $d) (local.get $sel)))
        ;; 16 digits → 8 of 2 digits → 4 of 4 → 2 of 8
        (local.set $t (i16x8.narrow_i32x4_u
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $t)) (v128.const i16x8 10 1 10 1 10 1 10 1))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $t)) (v128.const i16x8 10 1 10 1 10 1 10 1))))
        (local.set $t (i32x4.dot_i16x8_s (local.get $t) (v128.const i16x8 100 1 100 1 100 1 100 1)))
        (local.set $t (i32x4.dot_i16x8_s (i16x8.narrow_i32x4_u (local.get $t) (local.get $t))
          (v128.const i16x8 10000 1 10000 1 10000 1 10000 1)))
        (local.set $mant (i64.add
          (i64.mul (i64.extend_i32_u (i32x4.extract_lane 0 (local.get $t))) (i64.const 100000000))
          (i64.extend_i32_u (i32x4.extract_lane 1 (local.get $t)))))
        (local.set $v (f64.convert_i64_s (local.get $mant)))
        (if (local.get $frac)
          (then (local.set $v (f64.div (local.get $v)
            (f64.load (i32.add (i32.const 64) (i32.shl (local.get $frac) (i32.const 3))))))))
        (local.set $v (select (f64.neg (local.get $v)) (local.get $v) (local.get $neg)))
        (if (i32.eqz (local.get $mode))
          (then (f64.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $v)))
          (else
            ;; integers only ("1." is a float, as in fastNumber)
            (br_if $stop (local.get $ndot))
            (if (i32.eq (local.get $mode) (i32.const 2))
              (then (f64.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))) (local.get $v)))
              (else
                (br_if $stop (f64.gt (local.get $v) (f64.const 2147483647)))
                (br_if $stop (f64.lt (local.get $v) (f64.const -2147483648)))
                (i32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2))) (i32.trunc_f64_s (local.get $v)))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
    (local.get $r))

  ;; final: one block of a numeric column's final statistics pass, exactly
  ;; as stats.ts finalPass: adds (x - mean)^2 to ss in order, counts x in its
  ;; histogram bin (a first guess from (x - hlo) * inv, then the edges
  ;; decide), and copies x into `out` when its running quartile bucket has a
  ;; slot (out[slot[q] + fill[q]++] = x). Returns the new ss.
  (func (export "final")
    (param $a i32) (param $n i32) (param $mean f64) (param $hlo f64) (param $inv f64)
    (param $bins i32) (param $edges i32) (param $hist i32) (param $lo f64) (param $scale f64)
    (param $slot i32) (param $fill i32) (param $out i32) (param $ss f64)
    (result f64)
    (local $i i32) (local $x f64) (local $d f64) (local $g f64) (local $t f64) (local $b i32)
    (local $q i32) (local $s i32) (local $f i32) (local $last i32) (local $fbins f64) (local $at i32)
    (local.set $last (i32.sub (local.get $bins) (i32.const 1)))
    (local.set $fbins (f64.convert_i32_s (local.get $bins)))
    (block $end
      (loop $each
        (br_if $end (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $x (f64.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $d (f64.sub (local.get $x) (local.get $mean)))
        (local.set $ss (f64.add (local.get $ss) (f64.mul (local.get $d) (local.get $d))))
        (local.set $g (f64.mul (f64.sub (local.get $x) (local.get $hlo)) (local.get $inv)))
        (local.set $b (local.get $last))
        (if (f64.lt (local.get $g) (local.get $fbins))
          (then (local.set $b (i32.trunc_sat_f64_s (local.get $g)))))
        (block $down
          (loop $dl
            (br_if $down (i32.le_s (local.get $b) (i32.const 0)))
            (br_if $down (i32.eqz (f64.lt (local.get $x)
              (f64.load (i32.add (local.get $edges) (i32.shl (local.get $b) (i32.const 3)))))))
            (local.set $b (i32.sub (local.get $b) (i32.const 1)))
            (br $dl)))
        (block $up
          (loop $ul
            (br_if $up (i32.ge_s (local.get $b) (local.get $last)))
            (br_if $up (i32.eqz (f64.ge (local.get $x)
              (f64.load (i32.add (local.get $edges) (i32.shl (i32.add (local.get $b) (i32.const 1)) (i32.const 3)))))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $ul)))
        (local.set $at (i32.add (local.get $hist) (i32.shl (local.get $b) (i32.const 2))))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        ;; the running quartile bucket (running-stats.ts bucketOf)
        (local.set $t (f64.mul (f64.sub (local.get $x) (local.get $lo)) (local.get $scale)))
        (local.set $q (i32.const 4097))
        (if (f64.lt (local.get $t) (f64.const 4096))
          (then (local.set $q (i32.add (i32.const 1) (i32.trunc_sat_f64_s (local.get $t))))))
        (if (f64.lt (local.get $t) (f64.const 0)) (then (local.set $q (i32.const 0))))
        (local.set $s (i32.load (i32.add (local.get $slot) (i32.shl (local.get $q) (i32.const 2)))))
        (if (i32.ge_s (local.get $s) (i32.const 0))
          (then
            (local.set $at (i32.add (local.get $fill) (i32.shl (local.get $q) (i32.const 2))))
            (local.set $f (i32.load (local.get $at)))
            (f64.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $s) (local.get $f)) (i32.const 3))) (local.get $x))
            (i32.store (local.get $at) (i32.add (local.get $f) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (local.get $ss))

  ;; running: a numeric column's running statistics over a[0, n), exactly as
  ;; running-stats.ts addBucketed: the sum (in order), min and max (as
  ;; `if (x < min) min = x`), read from and written back to addresses 0, 8
  ;; and 16, and the count of each value's quartile bucket in `counts`.
  (func (export "running") (param $a i32) (param $n i32) (param $counts i32) (param $lo f64) (param $scale f64)
    (local $i i32) (local $x f64) (local $sum f64) (local $min f64) (local $max f64) (local $t f64)
    (local $q i32) (local $at i32)
    (local.set $sum (f64.load (i32.const 0)))
    (local.set $min (f64.load (i32.const 8)))
    (local.set $max (f64.load (i32.const 16)))
    (block $end
      (loop $each
        (br_if $end (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $x (f64.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $sum (f64.add (local.get $sum) (local.get $x)))
        (local.set $min (select (local.get $x) (local.get $min) (f64.lt (local.get $x) (local.get $min))))
        (local.set $max (select (local.get $x) (local.get $max) (f64.gt (local.get $x) (local.get $max))))
        (local.set $t (f64.mul (f64.sub (local.get $x) (local.get $lo)) (local.get $scale)))
        (local.set $q (i32.const 4097))
        (if (f64.lt (local.get $t) (f64.const 4096))
          (then (local.set $q (i32.add (i32.const 1) (i32.trunc_sat_f64_s (local.get $t))))))
        (if (f64.lt (local.get $t) (f64.const 0)) (then (local.set $q (i32.const 0))))
        (local.set $at (i32.add (local.get $counts) (i32.shl (local.get $q) (i32.const 2))))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (f64.store (i32.const 0) (local.get $sum))
    (f64.store (i32.const 8) (local.get $min))
    (f64.store (i32.const 16) (local.get $max)))

  ;; dict: codes a string column's fields of records [from, n) by their
  ;; bytes, in order of first appearance, as infer.ts ByteDictionary does:
  ;; `codes[r]` gets the field's code; a new field becomes the next code,
  ;; its start and length kept in `addrs`/`lens` (the caller decodes it). The
  ;; table (`mask` + 1 slots, code + 1 or 0 for empty), the entries and the
  ;; count (address 4) persist between calls for one column of one chunk.
  ;; Stops at a raw field (flag 2) and at a field of at most 4 bytes that
  ;; could be a missing marker (empty, ?, -, a space at either end, or an n
  ;; first), except record `force`, which it codes without that check.
  (func (export "dict")
    (param $buf i32) (param $starts i32) (param $ends i32) (param $flags i32) (param $ncols i32) (param $j i32)
    (param $from i32) (param $n i32) (param $codes i32) (param $force i32)
    (param $table i32) (param $mask i32) (param $hashes i32) (param $addrs i32) (param $lens i32) (param $keys i32)
    (result i32)
    (local $r i32) (local $idx i32) (local $p i32) (local $len i32) (local $c0 i32) (local $h i32)
    (local $slot i32) (local $c i32) (local $count i32) (local $k i32) (local $q i32) (local $same i32)
    (local $w0 i64) (local $w1 i64) (local $h64 i64)
    (local.set $count (i32.load (i32.const 4)))
    (local.set $r (local.get $from))
    (block $stop
      (loop $rows
        (br_if $stop (i32.ge_s (local.get $r) (local.get $n)))
        (local.set $idx (i32.add (i32.mul (local.get $r) (local.get $ncols)) (local.get $j)))
        (br_if $stop (i32.eq (i32.load8_u (i32.add (local.get $flags) (local.get $idx))) (i32.const 2)))
        (local.set $p (i32.add (local.get $buf) (i32.load (i32.add (local.get $starts) (i32.shl (local.get $idx) (i32.const 2))))))
        (local.set $len (i32.sub
          (i32.add (local.get $buf) (i32.load (i32.add (local.get $ends) (i32.shl (local.get $idx) (i32.const 2)))))
          (local.get $p)))
        ;; could it be a missing marker? (values.ts isMissing on fields of at most 4 bytes)
        (if (i32.and (i32.le_u (local.get $len) (i32.const 4)) (i32.ne (local.get $r) (local.get $force)))
          (then
            (br_if $stop (i32.eqz (local.get $len)))
            (local.set $c0 (i32.load8_u (local.get $p)))
            (br_if $stop (i32.le_u (local.get $c0) (i32.const 32)))
            (br_if $stop (i32.le_u (i32.load8_u (i32.add (local.get $p) (i32.sub (local.get $len) (i32.const 1)))) (i32.const 32)))
            (br_if $stop (i32.eq (i32.or (local.get $c0) (i32.const 32)) (i32.const 110)))
            (br_if $stop (i32.and (i32.eq (local.get $len) (i32.const 1))
              (i32.or (i32.eq (local.get $c0) (i32.const 63)) (i32.eq (local.get $c0) (i32.const 45)))))))
        ;; the key: up to 16 bytes as two words (bytes past the field cleared), else FNV-1a over all bytes
        (local.set $w0 (i64.const 0))
        (local.set $w1 (i64.const 0))
        (if (i32.le_u (local.get $len) (i32.const 16))
          (then
            (local.set $w0 (i64.load (local.get $p)))
            (if (i32.lt_u (local.get $len) (i32.const 8))
              (then (local.set $w0 (i64.and (local.get $w0)
                (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $len) (i32.const 3)))) (i64.const 1)))))
              (else (if (i32.gt_u (local.get $len) (i32.const 8))
                (then
                  (local.set $w1 (i64.load (i32.add (local.get $p) (i32.const 8))))
                  (if (i32.lt_u (local.get $len) (i32.const 16))
                    (then (local.set $w1 (i64.and (local.get $w1)
                      (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (i32.sub (local.get $len) (i32.const 8)) (i32.const 3))))
                        (i64.const 1))))))))))
            (local.set $h64 (i64.xor
              (i64.xor (i64.mul (local.get $w0) (i64.const 0x9E3779B97F4A7C15)) (i64.mul (local.get $w1) (i64.const 0xC2B2AE3D27D4EB4F)))
              (i64.extend_i32_u (local.get $len))))
            ;; murmur3's 64-bit finaliser: every input bit reaches the low bits the table uses
            (local.set $h64 (i64.xor (local.get $h64) (i64.shr_u (local.get $h64) (i64.const 33))))
            (local.set $h64 (i64.mul (local.get $h64) (i64.const 0xff51afd7ed558ccd)))
            (local.set $h64 (i64.xor (local.get $h64) (i64.shr_u (local.get $h64) (i64.const 33))))
            (local.set $h (i32.wrap_i64 (local.get $h64))))
          (else
            (local.set $h (i32.const 0x811c9dc5))
            (local.set $k (i32.const 0))
            (block $hd
              (loop $hl
                (br_if $hd (i32.ge_u (local.get $k) (local.get $len)))
                (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (i32.add (local.get $p) (local.get $k)))) (i32.const 0x01000193)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $hl)))))
        ;; probe: an equal hash, length and bytes is the field's code; an empty slot makes a new one
        (local.set $slot (i32.and (local.get $h) (local.get $mask)))
        (block $found
          (loop $probe
            (local.set $c (i32.sub (i32.load (i32.add (local.get $table) (i32.shl (local.get $slot) (i32.const 2)))) (i32.const 1)))
            (if (i32.lt_s (local.get $c) (i32.const 0))
              (then
                (local.set $c (local.get $count))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))
                (i32.store (i32.add (local.get $table) (i32.shl (local.get $slot) (i32.const 2))) (local.get $count))
                (i32.store (i32.add (local.get $hashes) (i32.shl (local.get $c) (i32.const 2))) (local.get $h))
                (i32.store (i32.add (local.get $addrs) (i32.shl (local.get $c) (i32.const 2))) (local.get $p))
                (i32.store (i32.add (local.get $lens) (i32.shl (local.get $c) (i32.const 2))) (local.get $len))
                (i64.store (i32.add (local.get $keys) (i32.shl (local.get $c) (i32.const 4))) (local.get $w0))
                (i64.store (i32.add (local.get $keys) (i32.add (i32.shl (local.get $c) (i32.const 4)) (i32.const 8))) (local.get $w1))
                (br $found)))
            (if (i32.and
                  (i32.eq (i32.load (i32.add (local.get $hashes) (i32.shl (local.get $c) (i32.const 2)))) (local.get $h))
                  (i32.eq (i32.load (i32.add (local.get $lens) (i32.shl (local.get $c) (i32.const 2)))) (local.get $len)))
              (then
                (if (i32.le_u (local.get $len) (i32.const 16))
                  (then
                    (br_if $found (i32.and
                      (i64.eq (i64.load (i32.add (local.get $keys) (i32.shl (local.get $c) (i32.const 4)))) (local.get $w0))
                      (i64.eq (i64.load (i32.add (local.get $keys) (i32.add (i32.shl (local.get $c) (i32.const 4)) (i32.const 8)))) (local.get $w1)))))
                  (else
                    (local.set $q (i32.load (i32.add (local.get $addrs) (i32.shl (local.get $c) (i32.const 2)))))
                    (local.set $k (i32.const 0))
                    (local.set $same (i32.const 1))
                    (block $cd
                      (loop $cl
                        (br_if $cd (i32.ge_u (local.get $k) (local.get $len)))
                        (if (i32.ne (i32.load8_u (i32.add (local.get $q) (local.get $k))) (i32.load8_u (i32.add (local.get $p) (local.get $k))))
                          (then (local.set $same (i32.const 0)) (br $cd)))
                        (local.set $k (i32.add (local.get $k) (i32.const 1)))
                        (br $cl)))
                    (br_if $found (local.get $same))))))
            (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (local.get $mask)))
            (br $probe)))
        (i32.store (i32.add (local.get $codes) (i32.shl (local.get $r) (i32.const 2))) (local.get $c))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
    (i32.store (i32.const 4) (local.get $count))
    (local.get $r))

  ;; isodate: column j of records [from, n) as ISO dates YYYY-MM-DD of
  ;; exactly ten bytes into `out`, as epoch milliseconds (float64), exactly as
  ;; values.ts fastIsoDate: digits, a real month and day (leap years
  ;; counted), days_from_civil. Returns the first record it did not take (a
  ;; raw field or anything else).
  (func (export "isodate")
    (param $buf i32) (param $starts i32) (param $ends i32) (param $flags i32) (param $ncols i32) (param $j i32)
    (param $from i32) (param $n i32) (param $out i32)
    (result i32)
    (local $r i32) (local $idx i32) (local $p i32) (local $y i32) (local $m i32) (local $d i32)
    (local $k i32) (local $dig i32) (local $dim i32) (local $era i32) (local $yoe i32) (local $doy i32)
    (local.set $r (local.get $from))
    (block $stop
      (loop $rows
        (br_if $stop (i32.ge_s (local.get $r) (local.get $n)))
        (local.set $idx (i32.add (i32.mul (local.get $r) (local.get $ncols)) (local.get $j)))
        (br_if $stop (i32.eq (i32.load8_u (i32.add (local.get $flags) (local.get $idx))) (i32.const 2)))
        (local.set $p (i32.load (i32.add (local.get $starts) (i32.shl (local.get $idx) (i32.const 2)))))
        (br_if $stop (i32.ne
          (i32.sub (i32.load (i32.add (local.get $ends) (i32.shl (local.get $idx) (i32.const 2)))) (local.get $p))
          (i32.const 10)))
        (local.set $p (i32.add (local.get $buf) (local.get $p)))
        (br_if $stop (i32.ne (i32.load8_u offset=4 (local.get $p)) (i32.const 45)))
        (br_if $stop (i32.ne (i32.load8_u offset=7 (local.get $p)) (i32.const 45)))
        (local.set $y (i32.const 0))
        (local.set $k (i32.const 0))
        (block $yd
          (loop $yl
            (br_if $yd (i32.ge_u (local.get $k) (i32.const 4)))
            (local.set $dig (i32.sub (i32.load8_u (i32.add (local.get $p) (local.get $k))) (i32.const 48)))
            (br_if $stop (i32.gt_u (local.get $dig) (i32.const 9)))
            (local.set $y (i32.add (i32.mul (local.get $y) (i32.const 10)) (local.get $dig)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $yl)))
        (local.set $dig (i32.sub (i32.load8_u offset=5 (local.get $p)) (i32.const 48)))
        (br_if $stop (i32.gt_u (local.get $dig) (i32.const 9)))
        (local.set $m (i32.mul (local.get $dig) (i32.const 10)))
        (local.set $dig (i32.sub (i32.load8_u offset=6 (local.get $p)) (i32.const 48)))
        (br_if $stop (i32.gt_u (local.get $dig) (i32.const 9)))
        (local.set $m (i32.add (local.get $m) (local.get $dig)))
        (local.set $dig (i32.sub (i32.load8_u offset=8 (local.get $p)) (i32.const 48)))
        (br_if $stop (i32.gt_u (local.get $dig) (i32.const 9)))
        (local.set $d (i32.mul (local.get $dig) (i32.const 10)))
        (local.set $dig (i32.sub (i32.load8_u offset=9 (local.get $p)) (i32.const 48)))
        (br_if $stop (i32.gt_u (local.get $dig) (i32.const 9)))
        (local.set $d (i32.add (local.get $d) (local.get $dig)))
        (br_if $stop (i32.gt_u (i32.sub (local.get $m) (i32.const 1)) (i32.const 11)))
        (br_if $stop (i32.eqz (local.get $d)))
        ;; days in the month: 31 30 ... with February 28, 29 in leap years
        (local.set $dim (i32.sub (i32.const 31)
          (i32.and (i32.shr_u (i32.const 0x0a50) (local.get $m)) (i32.const 1))))
        (if (i32.eq (local.get $m) (i32.const 2))
          (then (local.set $dim (i32.add (i32.const 28)
            (i32.or
              (i32.and (i32.eqz (i32.rem_u (local.get $y) (i32.const 4))) (i32.ne (i32.rem_u (local.get $y) (i32.const 100)) (i32.const 0)))
              (i32.eqz (i32.rem_u (local.get $y) (i32.const 400))))))))
        (br_if $stop (i32.gt_u (local.get $d) (local.get $dim)))
        ;; days_from_civil (H. Hinnant), with a floored division for year -1
        (local.set $y (i32.sub (local.get $y) (i32.le_u (local.get $m) (i32.const 2))))
        (local.set $era (i32.div_s
          (select (local.get $y) (i32.sub (local.get $y) (i32.const 399)) (i32.ge_s (local.get $y) (i32.const 0)))
          (i32.const 400)))
        (local.set $yoe (i32.sub (local.get $y) (i32.mul (local.get $era) (i32.const 400))))
        (local.set $doy (i32.add
          (i32.div_u (i32.add (i32.mul (i32.const 153)
            (i32.add (local.get $m) (select (i32.const -3) (i32.const 9) (i32.gt_u (local.get $m) (i32.const 2)))))
            (i32.const 2)) (i32.const 5))
          (i32.sub (local.get $d) (i32.const 1))))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3)))
          (f64.mul
            (f64.convert_i32_s (i32.sub (i32.add (i32.mul (local.get $era) (i32.const 146097))
              (i32.add (i32.sub (i32.add (i32.mul (local.get $yoe) (i32.const 365)) (i32.div_u (local.get $yoe) (i32.const 4)))
                (i32.div_u (local.get $yoe) (i32.const 100))) (local.get $doy)))
              (i32.const 719468)))
            (f64.const 86400000)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
    (local.get $r))
)
