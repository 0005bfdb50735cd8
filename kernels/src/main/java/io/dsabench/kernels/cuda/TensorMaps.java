package io.dsabench.kernels.cuda;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.dsabench.kernels.KernelException;

/**
 * TMA tensor maps ({@code CUtensorMap}, 128 opaque bytes) encoded by the driver's {@code
 * cuTensorMapEncodeTiled}. JCuda 12.6 binds no tensor-map call, so this one function is reached
 * through JNA in the libcuda that JCuda has already loaded. A kernel takes the result by value as a
 * {@code const __grid_constant__ CUtensorMap} parameter: pass the returned array to {@link
 * CudaBackend#launch}.
 *
 * <p>Arguments follow the driver API exactly: dimensions innermost first, strides in bytes for
 * dimensions 1..rank-1 (dimension 0 is contiguous), box sizes in elements.
 */
public final class TensorMaps {
  /** {@code CU_TENSOR_MAP_DATA_TYPE_UINT8}: e4m3 and other byte data. */
  public static final int UINT8 = 0;

  /** {@code CU_TENSOR_MAP_DATA_TYPE_FLOAT32}. */
  public static final int FLOAT32 = 7;

  /** {@code CU_TENSOR_MAP_DATA_TYPE_BFLOAT16}. */
  public static final int BFLOAT16 = 9;

  public static final int INTERLEAVE_NONE = 0;
  public static final int SWIZZLE_NONE = 0;
  public static final int SWIZZLE_32B = 1;
  public static final int SWIZZLE_64B = 2;
  public static final int SWIZZLE_128B = 3;
  public static final int L2_PROMOTION_NONE = 0;
  public static final int L2_PROMOTION_128B = 2;
  public static final int L2_PROMOTION_256B = 3;

  /** {@code CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE}: out-of-bounds elements read as zero. */
  public static final int OOB_FILL_ZEROS = 0;

  /** Size of a {@code CUtensorMap}; the driver wants it 64-byte aligned. */
  public static final int BYTES = 128;

  private static final String[] LIBRARIES = {"libcuda.so.1", "cuda"};

  private TensorMaps() {}

  /**
   * Encodes a tiled tensor map.
   *
   * @param dataType one of {@link #UINT8}, {@link #FLOAT32}, {@link #BFLOAT16} (the driver's enum)
   * @param globalAddress device address of the tensor (16-byte aligned)
   * @param globalDims elements per dimension, innermost first (rank 1..5)
   * @param globalStridesBytes byte strides of dimensions 1..rank-1 (multiples of 16)
   * @param boxDims elements per dimension that one copy moves (each ≤ 256)
   * @param elementStrides traversal strides per dimension (usually all 1)
   * @return the 128-byte map, to be passed by value
   * @throws KernelException naming the driver's error when encoding fails
   */
  public static byte[] encodeTiled(
      int dataType,
      long globalAddress,
      long[] globalDims,
      long[] globalStridesBytes,
      int[] boxDims,
      int[] elementStrides,
      int interleave,
      int swizzle,
      int l2Promotion,
      int oobFill) {
    int rank = globalDims.length;
    if (rank < 1 || rank > 5) {
      throw new IllegalArgumentException("tensor map: rank " + rank + " is not between 1 and 5");
    }
    if (globalStridesBytes.length != rank - 1
        || boxDims.length != rank
        || elementStrides.length != rank) {
      throw new IllegalArgumentException(
          "tensor map: rank "
              + rank
              + " needs "
              + (rank - 1)
              + " strides and "
              + rank
              + " box dims and element strides, got "
              + globalStridesBytes.length
              + ", "
              + boxDims.length
              + ", "
              + elementStrides.length);
    }
    Memory map = new Memory(BYTES + 64);
    Pointer aligned = map.align(64);
    Memory dims = longs(globalDims);
    Memory strides = longs(globalStridesBytes.length == 0 ? new long[] {0} : globalStridesBytes);
    Memory box = ints(boxDims);
    Memory elements = ints(elementStrides);
    int result =
        function()
            .invokeInt(
                new Object[] {
                  aligned,
                  dataType,
                  rank,
                  new Pointer(globalAddress),
                  dims,
                  strides,
                  box,
                  elements,
                  interleave,
                  swizzle,
                  l2Promotion,
                  oobFill
                });
    if (result != 0) {
      throw new KernelException(
          "cuTensorMapEncodeTiled failed: CUresult "
              + result
              + " ("
              + jcuda.driver.CUresult.stringFor(result)
              + ") for dims "
              + java.util.Arrays.toString(globalDims)
              + ", box "
              + java.util.Arrays.toString(boxDims),
          false);
    }
    return aligned.getByteArray(0, BYTES);
  }

  private static Memory longs(long[] values) {
    Memory m = new Memory(8L * values.length);
    m.write(0, values, 0, values.length);
    return m;
  }

  private static Memory ints(int[] values) {
    Memory m = new Memory(4L * values.length);
    m.write(0, values, 0, values.length);
    return m;
  }

  private static Function encode;

  private static synchronized Function function() {
    if (encode == null) {
      UnsatisfiedLinkError last = null;
      for (String name : LIBRARIES) {
        try {
          encode = NativeLibrary.getInstance(name).getFunction("cuTensorMapEncodeTiled");
          break;
        } catch (UnsatisfiedLinkError e) {
          last = e;
        }
      }
      if (encode == null) {
        throw new KernelException(
            "cuTensorMapEncodeTiled unavailable: libcuda could not be opened through JNA: " + last,
            false);
      }
    }
    return encode;
  }
}
