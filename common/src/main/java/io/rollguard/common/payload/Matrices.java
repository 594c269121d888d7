package io.rollguard.common.payload;

/** Shape checks shared by the payloads that carry a {@code [time x metric]} matrix. */
final class Matrices {

  private Matrices() {}

  /**
   * Every row exists and has {@code columns} cells; {@code what} names the matrix in the message.
   */
  static void requireColumns(double[][] matrix, int columns, String what) {
    for (int i = 0; i < matrix.length; i++) {
      double[] row = matrix[i];
      if (row == null || row.length != columns) {
        throw new IllegalArgumentException(
            what
                + " row "
                + i
                + " must have "
                + columns
                + " values (one per metric), got "
                + (row == null ? "null" : row.length));
      }
    }
  }

  /** No infinite cell: NaN means missing, anything else must be a real number. */
  static void requireNoInfinity(double[][] matrix, String what) {
    for (int i = 0; i < matrix.length; i++) {
      for (int j = 0; j < matrix[i].length; j++) {
        if (Double.isInfinite(matrix[i][j])) {
          throw new IllegalArgumentException(what + "[" + i + "][" + j + "] is infinite");
        }
      }
    }
  }
}
