export interface UserDto {
  id: string;
  createdAt: string;
  updatedAt: string;
  onboardingCompleted: boolean;
}

export interface CreateUserResponse {
  user: UserDto;
  /** Bearer token for every learner endpoint; signed, carries the user id. */
  token: string;
}
