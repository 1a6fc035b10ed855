"""Distance between client and provider, as the crow flies, to a tenth of a km.

One formula for arrays: the build measures every candidate pair at once, and the scalar form
(validator, explanations, capacity areas) runs the same code on one pair, so every reader
gets the same last bit and so the same tenth.
"""

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088
# |10 km - (k + 0.5)| below this may be a tie the float product cannot decide: such a
# distance is rounded by Python's round() instead (exact decimal rounding, ties to even).
_TIE_WIDTH = 1e-6

FloatArray = npt.NDArray[np.float64]


def haversine_km_array(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Great-circle distances in km; road distance is longer, the policy limit accounts for it."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return km


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The distance of one pair in km (``haversine_km_array`` on one element)."""
    one = [np.asarray([value], dtype=np.float64) for value in (lat1, lon1, lat2, lon2)]
    return float(haversine_km_array(*one)[0])


def tenths_of_km(km: FloatArray) -> npt.NDArray[np.int64]:
    """Each distance rounded as ``round(km, 1)`` rounds it, in tenths of a km.

    ``tenths / 10`` is then the very float ``round(km, 1)`` returns (both are the double
    nearest to k/10).
    """
    scaled = km * 10
    tenths = np.rint(scaled)
    for i in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < _TIE_WIDTH).tolist():
        tenths[i] = round(round(float(km[i]), 1) * 10)
    return tenths.astype(np.int64)
